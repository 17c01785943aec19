"""Organisations with members and open items they own, for the ownership and handover tests.

Imported by test modules (`from owner_fixtures import *`), not a conftest.py: a second
conftest module would shadow tests/conftest.py for modules that import helpers from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from fieldapp.auth.services import create_user
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk

__all__ = ["World", "world"]
PASSWORD = "et-langt-kodeord"


def member(email: str, name: str, org: Administration | None, role: str = "coordinator"):
    user = create_user(db.session, email, name, PASSWORD, role)
    user.administration_id = org.id if org else None
    db.session.flush()
    return user


@dataclass
class World:
    parks: Administration
    police: Administration
    anna: object  # coordinator in parks, owns open items
    bo: object  # coordinator in parks, the natural successor
    politi: object  # staff in the police
    walk: Walk
    issues: list[Issue]
    closed_issue: Issue
    item: ActionItem


@pytest.fixture
def world(app) -> World:
    parks = Administration(
        name="By- og Landskabsforvaltningen", short_name="Park og Vej", emails="park-vej@example.dk"
    )
    police = Administration(
        name="Nordjyllands Politi", short_name="Nærpolitiet", emails="naerpoliti@example.dk"
    )
    db.session.add_all([parks, police])
    db.session.flush()
    anna = member("anna@example.dk", "Anna Koordinator", parks)
    bo = member("bo@example.dk", "Bo Efterfølger", parks)
    politi = member("politi@example.dk", "Per Politi", police, role="staff")
    walk = Walk(
        title="Tryghedsvandring i Løvvangen",
        place_name="Løvvangen",
        starts_at=datetime(2026, 12, 1, 17, 30, tzinfo=UTC),
        status="planned",
        administration_id=parks.id,
        owner_id=anna.id,
    )
    issues = [
        Issue(
            title=f"Mørk sti {n}",
            category="lighting",
            status=status,
            administration_id=parks.id,
            owner_id=anna.id,
        )
        for n, status in enumerate(("forwarded", "in_progress", "new"))
    ]
    closed = Issue(
        title="Lampe skiftet",
        category="lighting",
        status="resolved",
        administration_id=parks.id,
        owner_id=anna.id,
    )
    item = ActionItem(
        description="Beskær hækken ved blok 4",
        administration_id=parks.id,
        owner_id=anna.id,
        status="in_progress",
        deadline=date(2026, 1, 31),
    )
    db.session.add_all([walk, *issues, closed, item])
    db.session.commit()
    return World(parks, police, anna, bo, politi, walk, issues, closed, item)
