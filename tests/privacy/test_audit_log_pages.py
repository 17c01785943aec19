"""The audit log: staff views leave one entry each; admins browse, filter, page and download it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from privacy_fixtures import store_reporters
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEntry
from fieldapp.audit.services import record
from fieldapp.auth.services import find_user
from fieldapp.extensions import db
from fieldapp.triage.models import Issue
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def count_all() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_issue_page_view_is_logged_once_with_the_contacts_it_showed(client, kit, auth) -> None:
    s = store_reporters()
    kit.english(client)
    auth.login("coordinator")
    coordinator = find_user(db.session, "coordinator@example.dk")
    issue = create_issue(
        db.session,
        [s.old_obs, s.new_obs],
        Actor(user_id=coordinator.id, coordinates=True),
        title="Mørk sti",
        description="",
        category="lighting",
        priority="normal",
    )
    db.session.commit()
    before = count_all()
    page = client.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    assert "ahmed@example.dk" in page
    assert count_all() == before + 1  # one insert per request
    (entry,) = entries("issue.viewed")
    assert (entry.object_type, entry.object_id, entry.user_email) == (
        "issue",
        issue.id,
        "coordinator@example.dk",
    )
    assert json.loads(entry.detail) == {"reporter_contacts_shown": 2}


def test_walk_page_view_is_logged_with_the_names_it_showed(client, kit, auth) -> None:
    s = store_reporters()
    kit.english(client)
    auth.login("coordinator")
    page = client.get(f"/walks/{s.walk.id}").get_data(as_text=True)
    assert "Mette" in page and "Ahmed" in page
    (entry,) = entries("walk.viewed")
    assert (entry.object_type, entry.object_id) == ("walk", s.walk.id)
    assert json.loads(entry.detail) == {"participant_names_shown": 3}


def test_export_download_is_logged(client, kit, auth) -> None:
    kit.english(client)
    auth.login("coordinator")
    resp = client.get("/exports/observations.csv?sep=comma")
    assert resp.status_code == 200
    resp.close()
    (entry,) = entries("export.downloaded")
    detail = json.loads(entry.detail)
    assert detail["file"].startswith("fieldapp-observations-") and detail["query"] == "sep=comma"


def test_admin_user_changes_are_logged(client, kit, auth) -> None:
    kit.english(client)
    auth.login("admin")
    resp = client.post(
        "/admin/users/new",
        data={
            "email": "ny@aalborg.dk",
            "name": "Ny Kollega",
            "role": "coordinator",
            "administration_id": "",
            "password": "et-langt-kodeord",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    (created,) = entries("user.created")
    resp = client.post(
        f"/admin/users/{created.object_id}/edit",
        data={"role": "coordinator", "administration_id": "", "active": ""},
    )
    assert resp.status_code == 302
    (changed,) = entries("user.changed")
    assert changed.object_id == created.object_id
    assert json.loads(changed.detail)["active"] is False
    assert changed.user_email == "admin@example.dk"


def seed_log(n: int) -> None:
    base = datetime(2026, 11, 1, 12, tzinfo=UTC)
    for i in range(n):
        entry = record(db.session, None, "issue.viewed" if i % 2 else "gdpr.viewed", "issue", i + 1)
        entry.at = base + timedelta(days=i % 5)
        entry.user_email = "karen@aalborg.dk" if i % 3 == 0 else "ole@aalborg.dk"
    db.session.commit()


def test_log_page_is_for_admins_only(client, kit, auth) -> None:
    kit.english(client)
    assert client.get("/admin/audit/").status_code == 302
    auth.login("coordinator")
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/audit-log.csv").status_code == 403


def test_log_page_filters_and_pages_by_keyset(client, kit, auth) -> None:
    seed_log(120)
    kit.english(client)
    auth.login("admin")
    first = client.get("/admin/audit/").get_data(as_text=True)
    assert first.count("<tr>") == 51  # header row + 50 entries
    assert "Older entries" in first
    newest_id = db.session.scalar(select(func.max(AuditEntry.id)))
    second = client.get(f"/admin/audit/?before={newest_id - 49}").get_data(as_text=True)
    assert second.count("<tr>") == 51 and "Newest" in second
    third = client.get(f"/admin/audit/?before={newest_id - 99}").get_data(as_text=True)
    assert third.count("<tr>") == 21 and "Older entries" not in third

    karen = client.get("/admin/audit/?user=KAREN").get_data(as_text=True)
    assert "karen@aalborg.dk" in karen and "ole@aalborg.dk" not in karen
    one = client.get("/admin/audit/?object_type=issue&object_id=7").get_data(as_text=True)
    assert one.count("<tr>") == 2
    gdpr = client.get("/admin/audit/?action=gdpr.viewed").get_data(as_text=True)
    assert gdpr.count("<tr>") == 51  # 60 match; the first page holds 50
    day = client.get("/admin/audit/?since=2026-11-02&until=2026-11-02").get_data(as_text=True)
    assert day.count("<tr>") == 25  # every fifth entry is on 2 November (+ header)


def test_bad_filter_is_a_400_with_a_message_and_the_values_kept(client, kit, auth) -> None:
    kit.english(client)
    auth.login("admin")
    resp = client.get("/admin/audit/?since=2026-11-05&until=2026-11-01&user=karen")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "The end date is before the start date." in page
    assert 'value="karen"' in page
    assert client.get("/admin/audit/?object_id=abc").status_code == 400


def test_csv_download_has_every_matching_entry_and_is_itself_logged(client, kit, auth) -> None:
    seed_log(30)
    kit.english(client)
    auth.login("admin")
    resp = client.get("/admin/audit/audit-log.csv?user=ole")
    text = resp.get_data(as_text=True)
    resp.close()
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Time", "User", "Action", "Object type", "Object number", "Detail"]
    assert len(rows) == 1 + 20 and {r[1] for r in rows[1:]} == {"ole@aalborg.dk"}
    (exported,) = entries("audit.exported")
    assert "user=ole" in exported.detail
    assert db.session.get(Issue, 1) is None  # the log names objects without needing them
