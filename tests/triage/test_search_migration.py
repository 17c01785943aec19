"""Migration 0013 fills the sort keys and the search index for rows that existed before it."""

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

# The tables as they were at revision 0012: lightweight constructs, not the current models.
OLD_ISSUE = sa.table(
    "issue",
    *(sa.column(c) for c in ("id", "title", "description", "category", "priority", "status")),
    *(sa.column(c, UTCDateTime()) for c in ("due_at", "status_changed_at", "created_at")),
    sa.column("updated_at", UTCDateTime()),
)
OLD_OBSERVATION = sa.table(
    "observation",
    *(sa.column(c) for c in ("id", "category", "text", "address", "tracking_code", "source")),
    sa.column("email_consent", sa.Boolean()),
    *(sa.column(c, UTCDateTime()) for c in ("created_at", "updated_at")),
)


def _issue(id_: int, priority: str, due_at=None) -> dict:
    return {
        "id": id_,
        "title": f"Gammel sag {id_}",
        "description": "Belysningen i tunnelen" if id_ == 1 else "",
        "category": "lighting",
        "priority": priority,
        "status": "forwarded",
        "due_at": due_at,
        "status_changed_at": T0,
        "created_at": T0,
        "updated_at": T0,
    }


def test_upgrade_fills_rank_due_key_and_search_for_existing_rows(app) -> None:
    db.session.remove()
    try:
        downgrade(revision="0012")
        with db.engine.begin() as conn:
            conn.execute(
                sa.insert(OLD_ISSUE),
                [
                    _issue(1, "urgent", T0 + timedelta(days=3)),
                    _issue(2, "low"),
                    _issue(3, "high", T0 + timedelta(days=1)),
                ],
            )
            conn.execute(
                sa.insert(OLD_OBSERVATION),
                [
                    {
                        "id": 7,
                        "category": "lighting",
                        "text": "Lygtepælen ved Åen er slukket",
                        "address": "",
                        "tracking_code": "OLD00007",
                        "source": "walk",
                        "email_consent": False,
                        "created_at": T0,
                        "updated_at": T0,
                    }
                ],
            )
    finally:
        upgrade()
    issues = {i.id: i for i in db.session.scalars(sa.select(Issue))}
    assert {i: issues[i].priority_rank for i in issues} == {1: 3, 2: 0, 3: 2}
    assert issues[1].due_sort == T0 + timedelta(days=3)
    assert issues[2].due_sort == NO_DUE_DATE

    def ids(filters: Filters) -> list[int]:
        return [x.id for x in list_page(db.session, filters, TZ, limit=10).items]

    assert ids(Filters(kind="issues", sort="priority")) == [1, 3, 2]
    assert ids(Filters(kind="issues", sort="due")) == [3, 1, 2]
    assert ids(Filters(q="åen lygtepæl")) == [7]
    assert ids(Filters(kind="issues", q="belysning")) == [1]
