"""The demo meetings tell the Løvvangen story on top of the demo walks and issues."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from fieldapp.auth.services import find_user
from fieldapp.demo import DEMO_ACCOUNTS, seed_demo
from fieldapp.demo_meetings import GROUP_NAME, seed_demo_meetings
from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings.minutes import build_minutes, is_overdue
from fieldapp.meetings.models import Meeting
from fieldapp.plans.models import ActionItem

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_demo_group_meetings_votes_and_action_items(app):
    seed_demo(db.session, now=NOW)
    coordinator = find_user(db.session, DEMO_ACCOUNTS[0][0])
    if db.session.scalar(select(LocalGroup).where(LocalGroup.name == GROUP_NAME)) is None:
        counts = seed_demo_meetings(db.session, coordinator.id, now=NOW)
        assert counts["groups"] == 1 and counts["meetings"] == 2
    db.session.commit()
    group = db.session.scalar(select(LocalGroup).where(LocalGroup.name == GROUP_NAME))
    assert group.area.name == "Løvvangen"
    assert {m.organisation for m in group.members} >= {
        "Løvvangen Samråd",
        "Sundby-Hvorup Boligselskab",
        "Nordjyllands Politi – nærpolitiet",
        "Bydelsmødrene i Løvvangen",
    }
    assert all(m.contact_consent == (m.email is not None) for m in group.members)

    meetings = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)
    ).all()
    past, planned = meetings
    assert past.status == "closed" and past.starts_at < NOW
    assert planned.status == "planned" and planned.starts_at > NOW

    minutes = build_minutes(db.session, past)
    assert minutes.votes_cast > 0 and len(minutes.names) == 2
    assert len([e for f in minutes.findings for e in f.decisions]) == 2
    items = db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == past.id)).all()
    today = NOW.date()
    done = [i for i in items if i.status == "done"]
    late = [i for i in items if is_overdue(i, today)]
    assert len(done) == 1 and done[0].is_initiative and done[0].completed_at is not None
    assert len(late) == 1 and late[0].administration is not None

    assert seed_demo_meetings(db.session, coordinator.id, now=NOW)["groups"] == 0  # twice: no-op
