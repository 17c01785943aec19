"""Migration 0019 fills first_observed_at / last_observed_at for issues that existed before."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from triage_factories import T0

from fieldapp.db import UTCDateTime
from fieldapp.extensions import db
from fieldapp.triage.filters import Filters
from fieldapp.triage.models import NO_DUE_DATE, Issue
from fieldapp.triage.queries import list_page

TZ = "Europe/Copenhagen"

# The tables as they were at revision 0017: lightweight constructs, not the current models.
OLD_ISSUE = sa.table(
    "issue",
    *(sa.column(c) for c in ("id", "title", "description", "category", "priority", "status")),
    sa.column("priority_rank"),
    *(sa.column(c, UTCDateTime()) for c in ("status_changed_at", "created_at", "updated_at")),
    sa.column("due_sort", UTCDateTime()),
)
OLD_OBSERVATION = sa.table(
    "observation",
    *(sa.column(c) for c in ("id", "category", "text", "address", "tracking_code", "source")),
    sa.column("issue_id"),
    sa.column("email_consent", sa.Boolean()),
    *(sa.column(c, UTCDateTime()) for c in ("created_at", "updated_at")),
)


def _issue(id_: int) -> dict:
    return {
        "id": id_,
        "title": f"Gammel sag {id_}",
        "description": "",
        "category": "lighting",
        "priority": "normal",
        "status": "new",
        "priority_rank": 1,
        "status_changed_at": T0,
        "created_at": T0,
        "updated_at": T0,
        "due_sort": NO_DUE_DATE,
    }


def _obs(id_: int, issue_id: int | None, days: int) -> dict:
    when = T0 + timedelta(days=days)
    return {
        "id": id_,
        "category": "lighting",
        "text": "",
        "address": "",
        "tracking_code": f"OLD{id_:05d}",
        "source": "walk",
        "issue_id": issue_id,
        "email_consent": False,
        "created_at": when,
        "updated_at": when,
    }


def test_upgrade_fills_the_observed_span_of_existing_issues(app) -> None:
    db.session.remove()
    try:
        downgrade(revision="0017")
        with db.engine.begin() as conn:
            conn.execute(sa.insert(OLD_ISSUE), [_issue(1), _issue(2), _issue(3)])
            conn.execute(
                sa.insert(OLD_OBSERVATION),
                [
                    _obs(10, 1, -3),
                    _obs(11, 1, 5),
                    _obs(12, 1, 1),
                    _obs(13, 2, 2),
                    _obs(14, None, 9),
                ],
            )
    finally:
        upgrade()
    issues = {i.id: i for i in db.session.scalars(sa.select(Issue))}
    spans = {i: (issues[i].first_observed_at, issues[i].last_observed_at) for i in issues}
    day = timedelta(days=1)
    assert spans == {
        1: (T0 - 3 * day, T0 + 5 * day),
        2: (T0 + 2 * day, T0 + 2 * day),
        3: (None, None),  # no observations
    }
    since = (T0 + 4 * day).date()
    assert [
        i.id for i in list_page(db.session, Filters(kind="issues", date_from=since), TZ).items
    ] == [1]
