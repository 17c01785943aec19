"""Issue 8, Bar 3: `send-digests` run twice in one week sends exactly one message to each
recipient with something to do and none to anyone else, through the outbox and the mail
worker to a real SMTP server on loopback."""

from __future__ import annotations

import socket
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from attention_fixtures import *  # noqa: F403  (its pytest fixtures)
from attention_fixtures import NOW
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.attention.digest import iso_week, send_digests
from fieldapp.attention.digest_mail import render_digest
from fieldapp.attention.models import DigestSent
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage

BASE_URL = "https://tryg.example.dk"
WITH_SOMETHING_TO_DO = {
    "park@example.dk",  # parks: unowned, overdue, stale issues, a late action item, a walk
    "politi@example.dk",  # police: a stale fire risk
    "brand@example.dk",  # the fire service has no active member: that needs attention
    "anna@example.dk",  # owns overdue and stale items
    "per@example.dk",  # owns the stale fire risk
}
NOTHING_TO_DO = {"affald@example.dk", "bo@example.dk", "freja@example.dk"}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "PUBLIC_BASE_URL")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        PUBLIC_BASE_URL=BASE_URL,
    )
    yield inbox
    controller.stop()
    app.config.update(saved)


def run(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_twice_in_a_week_sends_one_digest_to_each_recipient_with_something_to_do(
    runner, town, smtp
) -> None:
    first = run(runner, "send-digests")
    assert "5 queued" in first
    run(runner, "mail-worker", "--once")
    second = run(runner, "send-digests")
    assert "0 queued, 5 already sent this week" in second
    run(runner, "mail-worker", "--once")

    received = Counter(m["To"] for m in smtp.messages)
    assert received == Counter(WITH_SOMETHING_TO_DO)
    assert not NOTHING_TO_DO & set(received)
    assert len(db.session.scalars(select(DigestSent)).all()) == 5


def test_a_digest_is_html_and_text_in_the_recipients_language_with_links(
    runner, town, smtp
) -> None:
    run(runner, "send-digests")
    run(runner, "mail-worker", "--once")
    (anna,) = smtp.to("anna@example.dk")  # locale "en"
    assert anna["Subject"].startswith("Needs attention, week")
    text = anna.get_body(("plain",)).get_content()
    html = anna.get_body(("html",)).get_content()
    overdue_id = town.ids["overdue"][0]
    assert f"{BASE_URL}/triage/issues/{overdue_id}" in text
    assert f'href="{BASE_URL}/triage/issues/{overdue_id}"' in html
    assert f"{BASE_URL}/plans/{town.ids['item_late'][0]}/edit" in text
    assert "Knust lampe" in text and "Mørk sti" not in text  # hers only, not the queue's

    (org,) = smtp.to("park@example.dk")  # organisations: Danish
    assert org["Subject"].startswith("Kræver opmærksomhed, uge")
    org_text = org.get_body(("plain",)).get_content()
    assert "Mørk sti" in org_text and f"{BASE_URL}/walks/{town.ids['walk'][0]}" in org_text
    (per,) = smtp.to("per@example.dk")  # no language chosen: Danish
    assert per["Subject"].startswith("Kræver opmærksomhed")


def test_next_week_sends_again(app, town) -> None:
    first = send_digests(db.session, NOW, render_digest)
    db.session.commit()
    again = send_digests(db.session, NOW + timedelta(days=1), render_digest)
    later = send_digests(db.session, NOW + timedelta(days=7), render_digest)
    db.session.commit()
    assert len(first.sent) == 5 and again.sent == [] and len(later.sent) == 5
    assert iso_week(NOW) == "2026-W48"
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "bo@example.dk"))
        is None
    )


def test_the_database_refuses_a_second_digest_for_the_same_week(app, town) -> None:
    db.session.add(DigestSent(recipient="user:1", week="2026-W48"))
    db.session.commit()
    db.session.add(DigestSent(recipient="user:1", week="2026-W48"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_run_that_finds_the_row_already_written_skips_that_recipient(app, town) -> None:
    """Two runs at once: the one whose insert hits the unique constraint sends nothing (its
    mail is rolled back with the savepoint)."""
    from sqlalchemy import event

    sneaked = []

    def sneak_in(session, flush_context, instances):
        for obj in list(session.new):
            if (
                isinstance(obj, DigestSent)
                and obj.recipient == f"user:{town.anna.id}"
                and not sneaked
            ):
                sneaked.append(obj.recipient)
                # Inside the savepoint, as a concurrent run's committed row would be seen.
                session.connection().execute(
                    DigestSent.__table__.insert().values(
                        recipient=obj.recipient, week=obj.week, created_at=NOW
                    )
                )

    event.listen(db.session, "before_flush", sneak_in)
    try:
        result = send_digests(db.session, NOW, render_digest)
    finally:
        event.remove(db.session, "before_flush", sneak_in)
    db.session.commit()
    assert sneaked
    assert "anna@example.dk" in result.already_sent and "anna@example.dk" not in result.sent
    assert len(result.sent) == 4
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "anna@example.dk"))
        is None
    )
