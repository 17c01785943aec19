"""Demo owners: the coordinator belongs to Park og Vej, walks and findings have organisations
and named owners, and a few items need attention (unowned, overdue, stale), so the
needs-attention page and the digest have something true to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.auth.services import find_user
from fieldapp.orgs.defaults import DEMO_STAFF, PARKS_ROADS, default_administration_id
from fieldapp.plans.models import ActionItem
from fieldapp.plans.services import PENDING_STATUSES
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import OPEN_STATUSES
from fieldapp.walks.models import Walk


def seed_demo_owners(session: Session, coordinator: User, now: datetime) -> int:
    """Give the demo organisations and owners; returns how many items got a named owner."""
    parks_id = default_administration_id(session, PARKS_ROADS)
    coordinator.administration_id = parks_id
    staff = find_user(session, DEMO_STAFF[0])
    owned = 0
    for walk in session.scalars(select(Walk).order_by(Walk.starts_at)):
        walk.administration_id = parks_id
        # The planned walk is left without an owner: it shows under "needs attention".
        if walk.status != "planned":
            walk.owner_id = coordinator.id
            owned += 1
    open_issues = list(
        session.scalars(
            select(Issue)
            .where(Issue.status.in_(sorted(OPEN_STATUSES)), Issue.administration_id == parks_id)
            .order_by(Issue.id)
        )
    )
    # Every other one of Park og Vej's open issues gets the street crew as owner; the rest
    # wait in the organisation's queue.
    for n, issue in enumerate(open_issues):
        if n % 2 == 0 and staff is not None:
            issue.owner_id = staff.id
            owned += 1
    if open_issues:
        # One has had no status change for three weeks, one is past its due date.
        open_issues[0].status_changed_at = now - timedelta(days=21)
        open_issues[-1].due_at = now - timedelta(days=4)
    items = session.scalars(
        select(ActionItem)
        .where(ActionItem.administration_id == parks_id, ActionItem.status.in_(PENDING_STATUSES))
        .order_by(ActionItem.id)
    )
    for n, item in enumerate(items):
        if n % 2 == 0:
            item.owner_id = coordinator.id
            owned += 1
    session.flush()
    return owned
