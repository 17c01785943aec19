"""Forwarding and status changes reach a real SMTP server through the outbox and the worker."""

from __future__ import annotations

import re
from datetime import timedelta

from mail_fixtures import *  # noqa: F403  (its pytest fixtures)
from mail_helpers import BASE_URL, forward, parts, set_status
from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import MAX_ATTEMPTS, enqueue
from fieldapp.notify.smtp import make_sender
from fieldapp.notify.worker import deliver_due

PUBLIC = "Vi skifter lamperne i næste uge."
INTERNAL = "Budgettet er brugt op; tag det fra puljen til vedligehold."


def outbox() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def run_worker(runner):
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def test_forwarding_mails_every_address_of_the_administration(
    runner, smtp_server, administration, reported_issue
) -> None:
    forward(reported_issue, administration, public_comment=PUBLIC, internal_note=INTERNAL)
    staff_mail = [m for m in outbox() if m.to_addr.endswith("aalborg.example.dk")]
    assert [m.status for m in staff_mail] == ["pending", "pending"], "queued in the same commit"

    result = run_worker(runner)
    assert "SMTP 127.0.0.1" in result.output
    assert "3 sent" in result.output  # two staff addresses and the consenting reporter

    link = f"{BASE_URL}/triage/issues/{reported_issue.id}"
    for address in ("park@aalborg.example.dk", "drift@aalborg.example.dk"):
        (message,) = smtp_server.to(address)
        assert re.search(rf"\b{reported_issue.id}\b", message["Subject"])
        assert "Mørk sti ved blok 4" in message["Subject"]
        assert message.get_content_type() == "multipart/alternative"
        bodies = parts(message)
        assert set(bodies) == {"text/plain", "text/html"}
        assert link in bodies["text/plain"]
        assert f'href="{link}"' in bodies["text/html"]
        assert "Tre lamper er gået ud." in bodies["text/plain"]
        # Staff may read the coordinator's note; reporters' addresses are never in staff mail.
        assert INTERNAL in bodies["text/plain"]
        for body in bodies.values():
            assert "beboer@example.dk" not in body and "nej-tak@example.dk" not in body
    assert {m.status for m in outbox()} == {"sent"}
    assert all(m.attempts == 1 and m.sent_at is not None for m in outbox())


def test_consenting_reporter_gets_the_public_comment_never_the_internal_note(
    runner, smtp_server, administration, reported_issue
) -> None:
    forward(reported_issue, administration)
    set_status(reported_issue, "in_progress", public_comment=PUBLIC, internal_note=INTERNAL)
    run_worker(runner)

    mails = smtp_server.to("beboer@example.dk")
    assert len(mails) == 2, "forwarded, then in progress"
    consenting = db.session.scalar(
        select(Observation).where(Observation.reporter_email == "beboer@example.dk")
    )
    bodies = parts(mails[-1])
    assert set(bodies) == {"text/plain", "text/html"}
    for body in bodies.values():
        assert PUBLIC in body
        assert INTERNAL not in body
        assert f"{BASE_URL}/t/{consenting.tracking_code}" in body
        # Nobody else's text, however the reporters relate.
        assert "Jeg går en omvej." not in body and "Lampen blinker." not in body
    code = consenting.tracking_code
    assert f"{code[:4]} {code[4:]}" in mails[-1]["Subject"]

    assert smtp_server.to("nej-tak@example.dk") == [], "no consent, no mail"
    recipients = {rcpt for _sender, rcpts in smtp_server.envelopes for rcpt in rcpts}
    assert recipients == {
        "park@aalborg.example.dk",
        "drift@aalborg.example.dk",
        "beboer@example.dk",
    }


def test_statuses_reporters_do_not_see_send_them_nothing(
    runner, smtp_server, administration, reported_issue
) -> None:
    set_status(reported_issue, "triaged", public_comment="Vi kigger på det.")
    run_worker(runner)
    assert smtp_server.messages == []


def test_a_closed_case_deletes_the_reporters_address(
    runner, smtp_server, administration, reported_issue
) -> None:
    forward(reported_issue, administration)
    set_status(reported_issue, "resolved", public_comment="Lamperne er skiftet.")
    run_worker(runner)

    last = smtp_server.to("beboer@example.dk")[-1]
    assert "Lamperne er skiftet." in parts(last)["text/plain"]
    assert db.session.scalars(
        select(Observation.reporter_email).where(Observation.reporter_email.is_not(None))
    ).all() == ["nej-tak@example.dk"]
    assert not db.session.scalar(
        select(Observation.email_consent).where(Observation.text == "Helt mørkt om aftenen.")
    )


def test_smtp_down_keeps_the_message_pending_with_the_error(runner, smtp_down) -> None:
    enqueue(db.session, "park@aalborg.example.dk", "Hej", "Tekst")
    db.session.commit()
    before = utcnow()

    result = run_worker(runner)

    assert "1 to retry later" in result.output
    (message,) = outbox()
    assert message.status == "pending"
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > before + timedelta(seconds=30)
    # Not due yet: a second run right away leaves it alone.
    run_worker(runner)
    assert outbox()[0].attempts == 1


def test_after_the_last_attempt_the_message_fails_and_staff_can_retry_it(
    client, auth, smtp_down, app
) -> None:
    enqueue(db.session, "park@aalborg.example.dk", "Sag #7 videresendt", "Tekst", ref="issue:7")
    db.session.commit()
    now = utcnow()
    for _attempt in range(MAX_ATTEMPTS):
        with make_sender(app.config) as send:
            deliver_due(db.session, send, now=now)
        now += timedelta(hours=5)
    (message,) = outbox()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)

    auth.login("coordinator")
    html = client.get("/mail/").get_data(as_text=True)
    assert "park@aalborg.example.dk" in html
    assert "ConnectionRefusedError" in html
    assert 'href="/triage/issues/7"' in html
    assert f'action="/mail/{message.id}/retry"' in html


def test_retry_now_delivers_a_failed_message(client, auth, smtp_server) -> None:
    message = enqueue(db.session, "park@aalborg.example.dk", "Hej igen", "Tekst")
    message.status, message.attempts, message.last_error = "failed", MAX_ATTEMPTS, "timeout"
    db.session.commit()
    auth.login("coordinator")

    resp = client.post(f"/mail/{message.id}/retry", follow_redirects=True)

    assert resp.status_code == 200
    (received,) = smtp_server.to("park@aalborg.example.dk")
    assert received["Subject"] == "Hej igen"
    (stored,) = outbox()
    assert (stored.status, stored.last_error) == ("sent", "")


def test_retry_now_that_fails_again_stays_failed_with_the_new_error(
    client, auth, smtp_down
) -> None:
    message = enqueue(db.session, "park@aalborg.example.dk", "Hej", "Tekst")
    message.status, message.attempts = "failed", MAX_ATTEMPTS
    db.session.commit()
    auth.login("coordinator")

    client.post(f"/mail/{message.id}/retry")

    (stored,) = outbox()
    assert stored.status == "failed"
    assert stored.attempts == MAX_ATTEMPTS + 1
    assert "ConnectionRefusedError" in stored.last_error


def test_a_refused_recipient_fails_at_once_without_retries(runner, smtp_server) -> None:
    smtp_server.refuse.add("findes-ikke@aalborg.example.dk")
    enqueue(db.session, "findes-ikke@aalborg.example.dk", "Hej", "Tekst")
    enqueue(db.session, "park@aalborg.example.dk", "Hej", "Tekst")
    db.session.commit()

    result = run_worker(runner)

    assert "1 sent, 0 to retry later, 1 failed" in result.output
    refused, delivered = outbox()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error
    assert delivered.status == "sent"


def test_a_crash_mid_batch_never_resends_what_was_delivered(app, smtp_server) -> None:
    for n in range(3):
        enqueue(db.session, f"modtager{n}@example.dk", f"Besked {n}", "Tekst")
    db.session.commit()
    delivered = []

    def send_then_crash(message):
        if len(delivered) == 1:
            raise KeyboardInterrupt  # the process dies while sending the second message
        delivered.append(message.to_addr)

    try:
        deliver_due(db.session, send_then_crash)
    except KeyboardInterrupt:
        db.session.rollback()
    assert [m.status for m in outbox()] == ["sent", "pending", "pending"]

    with make_sender(app.config) as send:
        assert deliver_due(db.session, send) == (2, 0, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "modtager1@example.dk",
        "modtager2@example.dk",
    ]


def test_without_a_mail_server_the_worker_prints_the_mail(runner, mail_config) -> None:
    enqueue(db.session, "park@aalborg.example.dk", "Sag videresendt", "Se sagen her.")
    db.session.commit()

    result = run_worker(runner)

    assert "console" in result.output
    assert "Sag videresendt" in result.output and "Se sagen her." in result.output
    assert outbox()[0].status == "sent"


def test_a_subject_with_a_line_break_cannot_inject_headers(runner, smtp_server) -> None:
    enqueue(db.session, "park@aalborg.example.dk", "Titel\r\nBcc: alle@example.dk", "Tekst")
    db.session.commit()
    run_worker(runner)
    (message,) = smtp_server.messages
    assert message["Bcc"] is None
    assert message["Subject"] == "Titel Bcc: alle@example.dk"
