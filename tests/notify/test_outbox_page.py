"""The staff page of the outbox: counts, failures in plain sight, and who may see it."""

from __future__ import annotations

from mail_fixtures import *  # noqa: F403  (its pytest fixtures)
from sqlalchemy import select

from fieldapp.auth.services import create_user
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import enqueue, problem_count
from fieldapp.orgs.models import Administration

PASSWORD = "et-langt-kodeord-1"


def test_only_coordinators_and_admins_see_the_outbox(client, auth, new_browser) -> None:
    assert client.get("/mail/").status_code == 302  # to the login page
    auth.login("staff")
    assert client.get("/mail/").status_code == 403
    for role in ("coordinator", "admin"):
        browser = new_browser()
        create_user(db.session, f"{role}@example.dk", role, PASSWORD, role)
        db.session.commit()
        browser.post("/login", data={"email": f"{role}@example.dk", "password": PASSWORD})
        assert browser.get("/mail/").status_code == 200, role


def test_retry_needs_a_coordinator_and_a_known_message(client, auth) -> None:
    message = enqueue(db.session, "a@example.dk", "Hej", "Tekst")
    db.session.commit()
    assert client.post(f"/mail/{message.id}/retry").status_code == 302
    auth.login("staff")
    assert client.post(f"/mail/{message.id}/retry").status_code == 403
    auth.logout()
    auth.login("coordinator", "koordinator@example.dk")
    assert client.post("/mail/999999/retry").status_code == 404


def test_counts_and_lists_show_waiting_failed_and_sent_mail(client, auth, mail_config) -> None:
    waiting = enqueue(db.session, "venter@example.dk", "Venter", "Tekst")
    retrying = enqueue(db.session, "igen@example.dk", "Prøver igen", "Tekst")
    failed = enqueue(db.session, "fejl@example.dk", "Fejlede", "Tekst")
    sent = enqueue(db.session, "sendt@example.dk", "Sendt", "Tekst")
    db.session.flush()
    retrying.attempts, retrying.last_error = (
        2,
        "SMTPServerDisconnected: Connection unexpectedly closed",
    )
    failed.status, failed.attempts, failed.last_error = "failed", 6, "TimeoutError: timed out"
    sent.status = "sent"
    sent.sent_at = utcnow()
    db.session.add(Administration(name="Beredskabscenter Nordjylland", emails=""))
    db.session.commit()
    assert problem_count(db.session) == 2
    auth.login("coordinator")

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get("/mail/").get_data(as_text=True)

    for message in (waiting, retrying, failed):
        assert f'id="mail-{message.id}"' in html
    assert "TimeoutError: timed out" in html
    assert "Connection unexpectedly closed" in html
    assert "sendt@example.dk" in html  # recently sent
    assert "Beredskabscenter Nordjylland" in html  # forwarding there would send nothing
    assert "MAIL_SERVER" in html  # the console backend is announced, not hidden
    assert html.count("Retry now") == 3
    ids = db.session.scalars(select(OutboxMessage.id)).all()
    assert len(ids) == 4
