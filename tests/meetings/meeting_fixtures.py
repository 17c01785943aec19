"""Factories for the meeting tests: an area in Løvvangen, issues in and around it, a group,
a meeting, and phones that join it. Rows are written straight to the database."""

from __future__ import annotations

from datetime import UTC, datetime

import factories

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings.models import Meeting
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue

SOUTH, WEST, NORTH, EAST = 57.0665, 9.9070, 57.0710, 9.9140
INSIDE = (57.0690, 9.9100)
OUTSIDE = (57.0480, 9.9210)  # Aalborg Midtby
MEETING_AT = datetime(2026, 11, 10, 17, 0, tzinfo=UTC)  # 18:00 in Copenhagen


def make_area(name: str = "Løvvangen") -> Area:
    return factories.make_area(name, SOUTH, WEST, NORTH, EAST)


def make_issue(
    title: str = "Mørk sti",
    position: tuple[float, float] | None = INSIDE,
    status: str = "new",
    area: Area | None = None,
    category: str = "lighting",
    obs_position: tuple[float, float] | None = None,
) -> Issue:
    """An issue with one observation (at `obs_position`, else at the issue's position)."""
    lat, lon = position if position else (None, None)
    issue = Issue(
        title=title,
        description=f"{title}.",
        category=category,
        lat=lat,
        lon=lon,
        status=status,
        area_id=area.id if area else None,
    )
    db.session.add(issue)
    db.session.flush()
    olat, olon = obs_position or (lat, lon)
    db.session.add(
        Observation(
            category=category, text=title, lat=olat, lon=olon, issue_id=issue.id, source="walk"
        )
    )
    db.session.commit()
    return issue


def make_group(area: Area | None, name: str = "Tryghedsgruppen Løvvangen") -> LocalGroup:
    group = LocalGroup(name=name, area_id=area.id if area else None, description="")
    db.session.add(group)
    db.session.commit()
    return group


def make_meeting(group: LocalGroup, status: str = "running", votes: int = 3, **fields) -> Meeting:
    meeting = Meeting(
        group_id=group.id,
        area_id=group.area_id,
        title=fields.pop("title", "Dialogmøde"),
        starts_at=fields.pop("starts_at", MEETING_AT),
        place="Beboerhuset",
        status=status,
        votes_per_participant=votes,
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def make_admin(name: str = factories.ADMINISTRATION) -> Administration:
    return factories.make_admin(name, "Park og Vej", emails="pv@example.dk")


def meeting_with_findings(status: str = "running", votes: int = 3):
    """A meeting of a Løvvangen group with two open findings, plus a closed and a far one."""
    area = make_area()
    lamp = make_issue("Lampen ved blok 4 er gået", area=area)
    door = make_issue("Døren til opgang 8 kan ikke låse", category="buildings")
    make_issue("Affald ved containerne", status="resolved", area=area, category="waste")
    make_issue("Bænk på Kennedys Plads", position=OUTSIDE, category="furniture")
    meeting = make_meeting(make_group(area), status=status, votes=votes)
    return meeting, lamp, door


def join(client, meeting: Meeting, role: str = "resident", name: str = "", consent: bool = False):
    data = {"role": role, "display_name": name}
    if consent:
        data["name_in_minutes"] = "y"
    return client.post(f"/m/{meeting.join_token}", data=data)


def vote(client, meeting: Meeting, issue_id: int, undo: bool = False, as_json: bool = False):
    headers = {"Accept": "application/json"} if as_json else {}
    action = "undo" if undo else "vote"
    return client.post(f"/m/{meeting.join_token}/findings/{issue_id}/{action}", headers=headers)
