"""The findings a meeting reviews: the open issues of its area, with the meeting's votes.

An issue belongs to the area when it was routed there, lies in its polygon, or one of its
observations was made there; SQL narrows candidates by id and bounding box, shapely decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry import Point
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, configure_mappers, selectinload

from fieldapp.areas.models import Area
from fieldapp.areas.services import area_shape
from fieldapp.capture.models import Observation
from fieldapp.meetings.models import Decision, Meeting, Vote
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import OPEN_STATUSES


@dataclass
class Finding:
    """An open issue of the meeting's area as the meeting sees it."""

    issue: Issue
    votes: int = 0
    decisions: list[Decision] = field(default_factory=list)


def _covers(area: Area, lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    if not (area.south <= lat <= area.north and area.west <= lon <= area.east):
        return False
    return area_shape(area).covers(Point(lon, lat))


def issue_in_area(issue: Issue, area: Area) -> bool:
    """Routed to the area, positioned in it, or reported there (by an observation)."""
    if issue.area_id == area.id or _covers(area, issue.lat, issue.lon):
        return True
    return any(o.area_id == area.id or _covers(area, o.lat, o.lon) for o in issue.observations)


def _in_bbox(model, area: Area):
    return model.lat.between(area.south, area.north) & model.lon.between(area.west, area.east)


def area_open_issues(session: Session, area: Area | None) -> list[Issue]:
    """Open issues of the area; SQL narrows by id and bounding box, shapely decides."""
    if area is None:
        return []
    configure_mappers()  # Issue.observations is a backref, defined once mappers are configured
    reported_here = select(Observation.issue_id).where(
        Observation.issue_id.is_not(None),
        or_(Observation.area_id == area.id, _in_bbox(Observation, area)),
    )
    candidates = session.scalars(
        select(Issue)
        .where(
            Issue.status.in_(OPEN_STATUSES),
            or_(Issue.area_id == area.id, _in_bbox(Issue, area), Issue.id.in_(reported_here)),
        )
        .options(selectinload(Issue.observations).selectinload(Observation.photos))
        .order_by(Issue.created_at, Issue.id)
    )
    return [issue for issue in candidates if issue_in_area(issue, area)]


def vote_totals(session: Session, meeting_id: int) -> dict[int, int]:
    return dict(
        session.execute(
            select(Vote.issue_id, func.count())
            .where(Vote.meeting_id == meeting_id)
            .group_by(Vote.issue_id)
        ).all()
    )


def meeting_findings(session: Session, meeting: Meeting, by_votes: bool = True) -> list[Finding]:
    """The area's open findings, oldest first; with `by_votes` most votes first (ties: oldest)."""
    area = session.get(Area, meeting.area_id) if meeting.area_id else None
    totals = vote_totals(session, meeting.id)
    findings = {i.id: Finding(i, totals.get(i.id, 0)) for i in area_open_issues(session, area)}
    for decision in meeting.decisions:
        if decision.issue_id in findings:
            findings[decision.issue_id].decisions.append(decision)
    ordered = list(findings.values())
    return sorted(ordered, key=lambda f: -f.votes) if by_votes else ordered


def is_finding(session: Session, meeting: Meeting, issue_id: int) -> bool:
    issue = session.get(Issue, issue_id)
    area = session.get(Area, meeting.area_id) if meeting.area_id else None
    return (
        issue is not None
        and area is not None
        and issue.status in OPEN_STATUSES
        and issue_in_area(issue, area)
    )
