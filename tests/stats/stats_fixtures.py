"""Row builders for the action plan, success criteria, analyses and export tests.

Rows are written straight to the database so every expected figure can be computed by hand
from the arguments. Also imported by tests/plans and tests/exports (see their *_support.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factories

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings.models import Decision, Meeting
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Participant, Walk

PASSWORD = "stats-pw-12345"
# Løvvangen, Nørresundby (lat/lon of the estate's middle) and a box around it.
LAT, LON = 57.069, 9.910
LOVVANGEN_BOX = (57.066, 9.905, 57.072, 9.915)  # south, west, north, east
MIDTBYEN_BOX = (57.040, 9.915, 57.050, 9.935)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_area(name: str = "Løvvangen", box=LOVVANGEN_BOX) -> Area:
    return factories.make_area(name, *box)


def make_admin(name: str = factories.ADMINISTRATION, short: str = "Park og Vej"):
    return factories.make_admin(name, short, emails="x@example.dk")


def make_user(role: str, email: str, administration: Administration | None = None):
    return factories.make_user(
        role,
        email,
        name=role.title() + " Testesen",
        password=PASSWORD,
        administration=administration,
    )


def login(client, user, language: str = "en"):
    return factories.login(client, user, PASSWORD, language)


def make_walk(area: Area | None, starts_at: datetime, status: str = "closed", **fields) -> Walk:
    return factories.make_walk(
        title=fields.pop("title", "Tryghedsvandring"),
        place_name="Løvvangen",
        starts_at=starts_at,
        status=status,
        area_id=area.id if area else None,
        meeting_lat=fields.pop("meeting_lat", None),
        meeting_lon=fields.pop("meeting_lon", None),
        **fields,
    )


def make_meeting(area: Area | None, starts_at: datetime, status: str = "closed") -> Meeting:
    group = LocalGroup(name="Løvvangen Samråd", area_id=area.id if area else None)
    meeting = Meeting(
        group=group,
        area_id=area.id if area else None,
        title="Dialogmøde",
        starts_at=starts_at,
        status=status,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def make_obs(
    created_at: datetime,
    *,
    area: Area | None = None,
    walk: Walk | None = None,
    safety: int | None = None,
    category: str = "lighting",
    lat: float | None = LAT,
    lon: float | None = LON,
    text: str = "Mørk sti",
    **fields,
) -> Observation:
    obs = Observation(
        walk=walk,
        area_id=area.id if area else None,
        category=category,
        safety=safety,
        text=text,
        lat=lat,
        lon=lon,
        created_at=created_at,
        updated_at=created_at,
        **fields,
    )
    db.session.add(obs)
    db.session.commit()
    return obs


def make_issue(
    created_at: datetime,
    *,
    area: Area | None = None,
    admin: Administration | None = None,
    forwarded_after: float | None = None,
    resolved_after: float | None = None,
    status: str | None = None,
    **fields,
) -> Issue:
    """An issue with its audit events: forwarded and resolved `…_after` days after creation."""
    issue = Issue(
        title=fields.pop("title", "Mørk sti"),
        category=fields.pop("category", "lighting"),
        area_id=area.id if area else None,
        administration_id=admin.id if admin else None,
        created_at=created_at,
        updated_at=created_at,
        status_changed_at=created_at,
        status="new",
        lat=fields.pop("lat", LAT),
        lon=fields.pop("lon", LON),
        **fields,
    )
    db.session.add(issue)
    db.session.flush()
    db.session.add(IssueEvent(issue_id=issue.id, at=created_at, kind="created", to_status="new"))
    if forwarded_after is not None:
        at = created_at + timedelta(days=forwarded_after)
        db.session.add(
            IssueEvent(
                issue_id=issue.id,
                at=at,
                kind="status",
                from_status="new",
                to_status="forwarded",
                administration_id=issue.administration_id,
            )
        )
        issue.status = "forwarded"
    if resolved_after is not None:
        at = created_at + timedelta(days=resolved_after)
        db.session.add(
            IssueEvent(
                issue_id=issue.id,
                at=at,
                kind="status",
                from_status=issue.status,
                to_status="resolved",
                administration_id=issue.administration_id,
            )
        )
        issue.status = "resolved"
        issue.status_changed_at = at
    if status is not None:
        issue.status = status
    db.session.commit()
    return issue


def make_item(
    area: Area | None,
    description: str = "Nyt lys på stien",
    *,
    status: str = "open",
    completed_at: datetime | None = None,
    deadline: date | None = None,
    admin: Administration | None = None,
    person: str = "",
    initiative: bool = False,
    **fields,
) -> ActionItem:
    item = ActionItem(
        area_id=area.id if area else None,
        description=description,
        status=status,
        completed_at=completed_at,
        deadline=deadline,
        administration_id=admin.id if admin else None,
        responsible_person=person,
        is_initiative=initiative,
        **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def make_criterion(area: Area | None, kind: str, target: float, **fields) -> SuccessCriterion:
    values = fields.pop("values", {})
    criterion = SuccessCriterion(
        area_id=area.id if area else None,
        title=fields.pop("title", f"Kriterium {kind}"),
        kind=kind,
        target=target,
        direction=fields.pop("direction", "at_least"),
        **fields,
    )
    for year, value in values.items():
        criterion.values.append(CriterionValue(year=year, value=value, source="Indeks"))
    db.session.add(criterion)
    db.session.commit()
    return criterion


def make_decision(meeting: Meeting, text: str = "Kommunen sætter lys op") -> Decision:
    decision = Decision(meeting_id=meeting.id, text=text)
    db.session.add(decision)
    db.session.commit()
    return decision


def make_participant(walk: Walk, name: str = "Fru Hansen") -> Participant:
    person = Participant(walk=walk, role="resident", display_name=name)
    db.session.add(person)
    db.session.commit()
    return person
