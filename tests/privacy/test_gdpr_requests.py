"""An admin answers one reporter's access and erasure request, and both land in the audit log."""

from __future__ import annotations

import json

from privacy_fixtures import store_reporters
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEntry
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage


def admin(client, kit, auth):
    kit.english(client)
    auth.login("admin")
    return client


def test_only_admins_reach_the_privacy_pages(client, kit, auth) -> None:
    kit.english(client)
    assert client.get("/admin/privacy/").status_code == 302  # to the login page
    auth.login("coordinator")
    assert client.get("/admin/privacy/").status_code == 403
    assert client.post("/admin/privacy/reporter", data={"query": "x@example.dk"}).status_code == 403


def test_privacy_page_shows_the_retention_setting_and_last_run(
    client, kit, auth, app, monkeypatch, runner
) -> None:
    admin(client, kit, auth)
    monkeypatch.setitem(app.config, "REPORTER_DATA_RETENTION_MONTHS", 18)
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert "removed after 18 months" in page
    assert "apply-retention has not run yet." in page
    store_reporters()
    assert runner.invoke(args=["apply-retention", "--months", "12"]).exit_code == 0
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert "Last run " in page and ": 5 records changed." in page


def test_find_by_email_shows_everything_and_logs_the_view_without_the_address(
    client, kit, auth
) -> None:
    s = store_reporters()
    admin(client, kit, auth)
    resp = client.post("/admin/privacy/reporter", data={"query": " mette@example.DK "})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "mette@example.dk" in page and "Mørk sti ved skolen" in page and "AAAABBBB" in page
    assert "Mette" in page  # the participant's name on the walk
    assert "Lampen blinker" not in page  # someone else's observation
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "gdpr.viewed"))
    assert entry.user_email == "admin@example.dk"
    assert "mette" not in entry.detail.lower()
    assert json.loads(entry.detail)["observations"] == [s.old_obs.id]


def test_find_by_tracking_code_includes_the_same_phones_other_observations(
    client, kit, auth
) -> None:
    store_reporters()
    admin(client, kit, auth)
    page = client.post("/admin/privacy/reporter", data={"query": "aaaa-cccc"}).get_data(
        as_text=True
    )
    assert "Væltet skraldespand" in page and "Mørk sti ved skolen" in page
    assert "Lampen blinker" not in page


def test_unknown_reporter_and_empty_search_are_answered_clearly(client, kit, auth) -> None:
    store_reporters()
    admin(client, kit, auth)
    page = client.post("/admin/privacy/reporter", data={"query": "ZZZZZZZZ"}).get_data(as_text=True)
    assert "Nothing is stored for this e-mail address or tracking code." in page
    empty = client.post("/admin/privacy/reporter", data={"query": "  "})
    assert empty.status_code == 400
    assert "Enter the reporter's e-mail address or tracking code.</li>" in empty.get_data(
        as_text=True
    )


def test_export_downloads_readable_json_and_is_logged(client, kit, auth) -> None:
    s = store_reporters()
    admin(client, kit, auth)
    resp = client.post("/admin/privacy/reporter/export", data={"query": "AAAABBBB"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    document = json.loads(resp.get_data(as_text=True))
    assert document["email_addresses"] == ["mette@example.dk"]
    texts = sorted(o["text"] for o in document["observations"])
    assert texts == ["Mørk sti ved skolen", "Væltet skraldespand"]
    assert document["participations"][0]["display_name"] == "Mette"
    assert "\n  " in resp.get_data(as_text=True)  # indented, for people
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "gdpr.exported"))
    assert sorted(json.loads(entry.detail)["observations"]) == sorted(
        [s.old_obs.id, s.other_old_obs.id]
    )


def test_erase_needs_confirmation_then_removes_contact_data_and_keeps_findings(
    client, kit, auth
) -> None:
    s = store_reporters()
    admin(client, kit, auth)
    refused = client.post("/admin/privacy/reporter/erase", data={"query": "mette@example.dk"})
    assert refused.status_code == 400
    assert "Tick the box to confirm the erasure." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert s.old_obs.reporter_email == "Mette@Example.dk"

    resp = client.post(
        "/admin/privacy/reporter/erase",
        data={"query": "AAAABBBB", "confirm": "y"},
        follow_redirects=True,
    )
    assert "Erased: 1 e-mail addresses, 1 names, 2 mails and 0 observations." in resp.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert (s.old_obs.reporter_email, s.old_obs.email_consent) == (None, False)
    assert s.old_obs.text == "Mørk sti ved skolen"
    assert s.old_participant.display_name is None
    assert s.new_obs.reporter_email == "ahmed@example.dk"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "gdpr.erased"))
    assert json.loads(entry.detail)["emails_removed"] == 1


def test_erase_can_delete_the_observations_too(client, kit, auth) -> None:
    s = store_reporters()
    admin(client, kit, auth)
    resp = client.post(
        "/admin/privacy/reporter/erase",
        data={"query": "AAAACCCC", "confirm": "y", "delete_observations": "y"},
    )
    assert resp.status_code == 302
    remaining = db.session.scalars(select(Observation.text).order_by(Observation.id)).all()
    assert remaining == ["Lampen blinker"]
    assert s.new_obs.reporter_email == "ahmed@example.dk"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "gdpr.erased"))
    assert json.loads(entry.detail)["observations_deleted"] == 2
