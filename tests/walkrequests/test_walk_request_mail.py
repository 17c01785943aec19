"""The requester's e-mails arrive through the outbox worker at a real SMTP server."""

from __future__ import annotations

from request_fixtures import form_data, stored_requests
from request_mail_fixtures import *  # noqa: F403  (the smtp_inbox fixture)
from request_mail_fixtures import BASE_URL

from fieldapp.extensions import db
from fieldapp.walkrequests.services import notify_report_published
from fieldapp.walks.models import Walk

ADDRESS = "beboer@example.dk"


def deliver(runner) -> None:
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_receipt_accept_and_report_mails_reach_the_requester_in_english(
    client, auth, runner, smtp_inbox, new_browser
) -> None:
    requester = new_browser("en")
    requester.post("/request-walk", data=form_data(email=ADDRESS, email_consent="y"))
    (req,) = stored_requests()
    deliver(runner)
    (receipt,) = smtp_inbox.to(ADDRESS)
    assert "We have received your request" in receipt["Subject"]
    assert f"{BASE_URL}/request-walk/t/{req.token}" in body(receipt)

    auth.login("coordinator")
    client.post(f"/walk-requests/{req.id}/accept")
    deliver(runner)
    accepted = smtp_inbox.to(ADDRESS)[-1]
    assert "Your request is accepted" in accepted["Subject"]
    assert "Karolinelunden, Aalborg" in body(accepted)

    walk = db.session.get(Walk, stored_requests()[0].walk_id)
    report = f"{BASE_URL}/r/abcdefghijklmnopqrstuv"
    assert notify_report_published(db.session, walk, report) == 1
    db.session.commit()
    deliver(runner)
    published = smtp_inbox.to(ADDRESS)[-1]
    assert "follow-up report" in published["Subject"]
    assert report in body(published)
    assert len(smtp_inbox.messages) == 3
    tracking = requester.get(f"/request-walk/t/{req.token}").text
    assert f'href="{report}"' in tracking


def test_decline_mail_holds_the_reason_in_danish(client, auth, runner, smtp_inbox, new_browser):
    new_browser("da").post("/request-walk", data=form_data(email=ADDRESS, email_consent="y"))
    (req,) = stored_requests()
    auth.login("coordinator")
    client.post(f"/walk-requests/{req.id}", data={"reason": "Vi gik der i oktober."})
    deliver(runner)
    receipt, declined = smtp_inbox.to(ADDRESS)
    assert "Vi gik der i oktober." in body(declined)
    assert "Svar på din anmodning" in declined["Subject"]


def test_no_consent_no_mail_even_when_the_report_is_published(client, auth, runner, smtp_inbox):
    client.post("/request-walk", data=form_data())
    (req,) = stored_requests()
    auth.login("coordinator")
    client.post(f"/walk-requests/{req.id}/accept")
    walk = db.session.get(Walk, stored_requests()[0].walk_id)
    assert notify_report_published(db.session, walk, f"{BASE_URL}/r/x") == 0
    db.session.commit()
    deliver(runner)
    assert smtp_inbox.messages == []
