"""Demo criteria of the shapes issue 8 added, for Løvvangen: a yearly change and milestones.

Vandalism reports fall 10 % a year (the Slagelse agreement's yearly relative change; earlier
years' reports are added, as resolved repair cases, so the change has a base), and two
milestones: the dialogue forum (achieved) and a lighting plan due 30 June 2027, each linked to
its action item. Called from demo_stats.seed_demo_stats.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.demo_stats import COORDINATOR
from fieldapp.orgs.defaults import HOUSING, PARKS_ROADS
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.stats.models import SuccessCriterion
from fieldapp.triage.models import Issue, IssueEvent

VANDALISM = (
    "Anmeldelser af hærværk og graffiti falder 10 % om året",
    {
        "kind": "yearly_change",
        "target": -10,
        "direction": "at_most",
        "category": "vandalism",
        "data_source": "fieldapp: observationer i kategorien hærværk og graffiti i Løvvangen "
        "(før 2024: boligselskabets reparationssager).",
        "measured_by": COORDINATOR,
    },
)
# Vandalism reports per year before the demo walk (which adds one more in its month):
# 14 in 2024, 12 in 2025 (−14 %), 7 in 2026 up to September.
VANDALISM_REPORTS = {2024: 14, 2025: 12, 2026: 7}
VANDALISM_TEXTS = (
    "Graffiti på gavlen ved vaskeriet.",
    "Knust rude i opgangsdøren.",
    "Ødelagt bænk ved legepladsen.",
    "Tags på cykelskuret.",
)
# (title, due date, linked action item: description, deadline, done on)
MILESTONES = (
    (
        "Dialogforum for Løvvangen etableret",
        date(2025, 6, 30),
        (
            "Dialogforum med beboere, politi og kommune: første møde",
            date(2025, 6, 30),
            date(2025, 5, 20),
        ),
    ),
    (
        "Belysningsplan for Løvvangen vedtaget senest 30. juni 2027",
        date(2027, 6, 30),
        (
            "Belysningsplan for Løvvangen: udkast til Teknik- og Miljøudvalget",
            date(2027, 5, 31),
            None,
        ),
    ),
)


def seed_vandalism(session: Session, area: Area, housing: Administration | None) -> int:
    """Vandalism reports spread over each year (2026: January to September), each handled as
    a repair case by the housing association within a week — so they are resolved issues,
    not new work in the triage queue."""
    added = 0
    for year, n in VANDALISM_REPORTS.items():
        months = 9 if year == 2026 else 12
        for i in range(n):
            at = datetime(year, 1, 10, 15, tzinfo=UTC) + timedelta(days=(months * 30 * i) // n)
            done = at + timedelta(days=7)
            text = VANDALISM_TEXTS[i % len(VANDALISM_TEXTS)]
            lat, lon = 57.0690 + 0.0004 * (i % 5), 9.9100 + 0.0006 * (i % 4)
            issue = Issue(
                title=text.rstrip("."),
                category="vandalism",
                lat=lat,
                lon=lon,
                status="resolved",
                area_id=area.id,
                administration_id=housing.id if housing else None,
                created_at=at,
                updated_at=done,
                status_changed_at=done,
            )
            issue.events = [
                IssueEvent(at=at, kind="created", to_status="new"),
                IssueEvent(at=done, kind="status", from_status="new", to_status="resolved"),
            ]
            session.add(issue)
            session.add(
                Observation(
                    area_id=area.id,
                    issue=issue,
                    category="vandalism",
                    safety=2,
                    severity=2,
                    text=text,
                    lat=lat,
                    lon=lon,
                    source="open311",
                    created_at=at,
                    updated_at=at,
                )
            )
            added += 1
    return added


def seed_change_and_milestones(session: Session, area: Area, admins: dict) -> int:
    title, fields = VANDALISM
    session.add(
        SuccessCriterion(area_id=area.id, title=title, first_year=2024, last_year=2027, **fields)
    )
    housing, parks = admins.get(HOUSING), admins.get(PARKS_ROADS)
    for title, due, (description, deadline, done_on) in MILESTONES:
        item = ActionItem(
            area_id=area.id,
            description=description,
            administration_id=(parks if "Belysning" in title else housing).id
            if (parks and housing)
            else None,
            responsible_person="" if (parks and housing) else "Tryghedskoordinatoren",
            deadline=deadline,
            status="done" if done_on else "in_progress",
            completed_at=datetime(done_on.year, done_on.month, done_on.day, 11, tzinfo=UTC)
            if done_on
            else None,
        )
        session.add(item)
        session.flush()
        session.add(
            SuccessCriterion(
                area_id=area.id,
                title=title,
                kind="milestone",
                target=1,
                due_date=due,
                action_item_id=item.id,
                data_source="Handleplanen i fieldapp.",
                measured_by=COORDINATOR,
            )
        )
    return 1 + len(MILESTONES)
