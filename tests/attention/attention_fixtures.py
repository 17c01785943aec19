"""A small town's worth of items that need attention (and some that do not), at a fixed now,
and the helpers the needs-attention tests share (more issues in a queue, a source's item ids)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from fieldapp.attention.services import page
from fieldapp.attention.sources import SOURCES_BY_CODE
from fieldapp.auth.services import create_user
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk

__all__ = ["Town", "town"]  # the pytest fixtures a test module star-imports
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PASSWORD = "et-langt-kodeord"


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


@dataclass
class Town:
    parks: Administration
    police: Administration
    empty: Administration  # active, but nobody works there
    quiet: Administration  # active, with a member and nothing to do
    anna: object  # coordinator in parks
    bo: object  # staff in parks, owns nothing
    per: object  # staff in police
    ids: dict[str, list[int]] = field(default_factory=dict)


def _user(email, name, org, role):
    user = create_user(db.session, email, name, PASSWORD, role)
    user.administration_id = org.id
    return user


def make_issue(**values) -> Issue:
    """An issue, by default forwarded, lighting and last changed a day before NOW."""
    values.setdefault("category", "lighting")
    values.setdefault("status", "forwarded")
    values.setdefault("status_changed_at", days_ago(1))
    return Issue(**values)


def add_issues(org: Administration, n: int, title: str, category: str = "lighting") -> None:
    """n more routed, open, unowned, fresh issues in org's queue: "<title> 00", "<title> 01", …"""
    db.session.add_all(
        make_issue(title=f"{title} {i:02d}", category=category, administration_id=org.id)
        for i in range(n)
    )
    db.session.commit()


def source_ids(code: str, org_id=None, owner_id=None, now: datetime = NOW) -> list[int]:
    """The ids of everything one source lists (up to 100), at `now`."""
    fn = SOURCES_BY_CODE[code]
    items, _ = page(db.session, fn, org_id, now, limit=100, owner_id=owner_id)
    return [i.id for i in items]


@pytest.fixture
def town(app) -> Town:
    parks = Administration(
        name="By- og Landskabsforvaltningen", short_name="Park og Vej", emails="park@example.dk"
    )
    police = Administration(
        name="Nordjyllands Politi", short_name="Nærpolitiet", emails="politi@example.dk"
    )
    empty = Administration(name="Beredskabscenter Nordjylland", emails="brand@example.dk")
    quiet = Administration(name="Aalborg Forsyning", emails="affald@example.dk")
    db.session.add_all([parks, police, empty, quiet])
    db.session.flush()
    anna = _user("anna@example.dk", "Anna Koordinator", parks, "coordinator")
    anna.locale = "en"
    bo = _user("bo@example.dk", "Bo Drift", parks, "staff")
    per = _user("per@example.dk", "Per Politi", police, "staff")
    _user("freja@example.dk", "Freja Forsyning", quiet, "staff")
    db.session.flush()
    t = Town(parks, police, empty, quiet, anna, bo, per)
    rows = {
        # parks, no owner, fresh: only "unowned"
        "unowned": make_issue(title="Mørk sti", administration_id=parks.id),
        # owned by Anna, overdue
        "overdue": make_issue(
            title="Knust lampe",
            administration_id=parks.id,
            owner_id=anna.id,
            due_at=days_ago(3),
        ),
        # owned by Anna, lighting, 20 days without change: stale (default 14)
        "stale": make_issue(
            title="Tilgroet hæk",
            administration_id=parks.id,
            owner_id=anna.id,
            status_changed_at=days_ago(20),
        ),
        # fire risk, 10 days: stale (7 for fire); lighting 10 days: not stale
        "fire": make_issue(
            title="Brændbart affald",
            category="fire_risk",
            administration_id=police.id,
            owner_id=per.id,
            status_changed_at=days_ago(10),
        ),
        "fresh": make_issue(
            title="Skæv flise",
            administration_id=police.id,
            owner_id=per.id,
            status_changed_at=days_ago(10),
        ),
        # closed: never needs attention, however old and unowned
        "closed": make_issue(
            title="Lampe skiftet",
            status="resolved",
            administration_id=parks.id,
            status_changed_at=days_ago(90),
            due_at=days_ago(60),
        ),
        # not routed yet: the triage inbox, not an organisation's unowned queue
        "inbox": make_issue(title="Ny observation", status="new", status_changed_at=NOW),
    }
    db.session.add_all(rows.values())
    item_late = ActionItem(
        description="Beskær hækken ved blok 4",
        administration_id=parks.id,
        owner_id=anna.id,
        status="in_progress",
        deadline=date(2026, 11, 1),
        updated_at=days_ago(2),
    )
    item_done = ActionItem(
        description="Ny belysning på stien",
        administration_id=parks.id,
        status="done",
        deadline=date(2026, 1, 1),
        updated_at=days_ago(200),
    )
    walk = Walk(
        title="Vandring i Løvvangen",
        place_name="Løvvangen",
        starts_at=days_ago(-7),
        status="planned",
        administration_id=parks.id,
    )
    db.session.add_all([item_late, item_done, walk])
    db.session.commit()
    t.ids = {name: [row.id] for name, row in rows.items()}
    t.ids |= {"item_late": [item_late.id], "item_done": [item_done.id], "walk": [walk.id]}
    return t
