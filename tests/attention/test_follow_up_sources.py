"""Needs attention covers follow-up too: unanswered walk requests, walks nobody reported back on.

And publishing a walk's report tells whoever asked for the walk (walk requests ↔ reports glue).
"""

from __future__ import annotations

from datetime import timedelta

from attention_fixtures import NOW
from attention_fixtures import source_ids as ids
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walkrequests.services import accept_request, create_request


def request(place: str, days_old: int, email: str | None = None) -> WalkRequest:
    data = {"requester_kind": "resident", "place_name": place, "reason": "Mørkt om aftenen"}
    if email:
        data |= {"email": email, "email_consent": True}
    req = create_request(db.session, data, "da")
    req.created_at = NOW - timedelta(days=days_old)
    db.session.commit()
    return req


def test_walk_requests_unanswered_after_14_days(app) -> None:
    late = request("Karolinelunden", 15)
    request("Kildeparken", 13)
    answered = request("Jomfru Ane Gade", 40)
    answered.status = "declined"
    db.session.commit()
    assert ids("unanswered_walk_requests") == [late.id]
    # Requests are the coordinators' to answer, not an organisation's queue.
    assert ids("unanswered_walk_requests", org_id=1) == []


def test_closed_walks_without_a_published_report_after_30_days(app, make_walk) -> None:
    overdue = make_walk(title="Løvvangen", status="closed", starts_at=NOW - timedelta(days=31))
    make_walk(title="Nyligt", status="closed", starts_at=NOW - timedelta(days=20))
    make_walk(title="Planlagt", status="planned", starts_at=NOW - timedelta(days=60))
    reported = make_walk(title="Rapporteret", status="closed", starts_at=NOW - timedelta(days=90))
    drafted = make_walk(title="Kladde", status="closed", starts_at=NOW - timedelta(days=90))
    db.session.add_all(
        [
            WalkReport(walk_id=reported.id, published_at=NOW - timedelta(days=50)),
            WalkReport(walk_id=drafted.id),
        ]
    )
    db.session.commit()
    assert ids("walks_without_report") == sorted([overdue.id, drafted.id])


def test_publishing_the_report_mails_whoever_asked_for_the_walk(client, auth) -> None:
    req = request("Karolinelunden", 3, email="beboer@example.dk")
    auth.login("coordinator")
    walk = accept_request(
        db.session, req, None, "Europe/Copenhagen", "Tryghedsvandring", "", now=NOW
    )
    walk.status = "closed"
    db.session.commit()
    resp = client.post(
        f"/walks/{walk.id}/report", data={"introduction": "Tak for turen.", "action": "publish"}
    )
    assert resp.status_code == 302, resp.status_code
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "beboer@example.dk")
    ).all()
    assert len(mails) == 1  # stored and accepted by the services directly: only the report mail
    report = db.session.scalar(select(WalkReport).where(WalkReport.walk_id == walk.id))
    assert any(f"/r/{report.token}" in m.body_text for m in mails)
    db.session.refresh(req)
    assert req.report_url.endswith(f"/r/{report.token}")
    # A second publication (an update) does not mail the requester again.
    before = len(mails)
    client.post(
        f"/walks/{walk.id}/report", data={"introduction": "Opdateret.", "action": "publish"}
    )
    after = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "beboer@example.dk")
    ).all()
    assert len(after) == before
