"""The findings a meeting reviews: the open issues of its area, with the meeting's votes.

An issue belongs to the area when it was routed there, lies in its polygon, or one of its
observations was made there; SQL narrows candidates by id and bounding box, shapely decides.

At a municipality's scale an area has thousands of open issues, and a meeting discusses a
handful: membership and order are decided from a few columns per candidate (no ORM objects),
and only the page shown is loaded as issues, with its observation counts (and, for the
presenter, its photos).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy import any_, func, or_, select
from sqlalchemy.orm import Session, configure_mappers, selectinload

from fieldapp.areas.models import Area
from fieldapp.areas.services import area_shape
from fieldapp.capture.models import Observation
from fieldapp.meetings.models import Decision, Meeting, Vote
from fieldapp.paging import Page, clamp_page
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import OPEN_STATUSES

# A meeting discusses a few findings; the phone list must stay short enough to scroll.
FINDINGS_PER_PAGE = 20


@dataclass
class Finding:
    """An open issue of the meeting's area as the meeting sees it."""

    issue: Issue
    votes: int = 0
    decisions: list[Decision] = field(default_factory=list)
    observations: int = 0  # how many observations the issue has
    number: int = 0  # its place in the whole ordered list (1-based), the same on every page


@dataclass(frozen=True)
class _Candidate:
    id: int
    priority_rank: int
    created_at: datetime


def _covers(area: Area, lat: float | None, lon: float | None, shape=None) -> bool:
    if lat is None or lon is None:
        return False
    if not (area.south <= lat <= area.north and area.west <= lon <= area.east):
        return False
    return (shape or area_shape(area)).covers(Point(lon, lat))


def issue_in_area(issue: Issue, area: Area) -> bool:
    """Routed to the area, positioned in it, or reported there (by an observation)."""
    if issue.area_id == area.id or _covers(area, issue.lat, issue.lon):
        return True
    return any(o.area_id == area.id or _covers(area, o.lat, o.lon) for o in issue.observations)


def _in_bbox(model, area: Area):
    return model.lat.between(area.south, area.north) & model.lon.between(area.west, area.east)


def _of_issues_routed_elsewhere(session: Session, area: Area, is_open):
    """Observations of the open issues not routed to the area, by issue id.

    Each such issue is one probe of ix_observation_issue_area, which holds area and position:
    the cost grows with the open issues, not with all observations. SQLite plans `IN (...)`
    so; PostgreSQL planned it as a join reading every observation (it cannot know that those
    in the area or box belong almost all to issues routed here), so it gets the ids as one
    array, `= ANY(ARRAY(...))`, which it can only probe. bench/RESULTS.md, session 6.
    """
    routed_elsewhere = select(Issue.id).where(
        is_open, or_(Issue.area_id.is_(None), Issue.area_id != area.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        return Observation.issue_id == any_(func.array(routed_elsewhere.scalar_subquery()))
    return Observation.issue_id.in_(routed_elsewhere)


def _area_candidates(session: Session, area: Area) -> list[_Candidate]:
    """The area's open issues as (id, priority rank, created) rows, by `issue_in_area`'s rule.

    Routed issues count without a look at their position; those in the bounding box are
    tested by position with the prepared polygon; then the observations in the area or its box
    of open issues not routed here, for the issues reported there (a few; read by id).
    Observation.area_id alone would not do: it is the walk's area even beyond its outline,
    and of overlapping areas the smallest, so position is tested as well.
    """
    is_open = Issue.status.in_(sorted(OPEN_STATUSES))
    columns = (Issue.id, Issue.priority_rank, Issue.created_at)
    rows = session.execute(
        select(*columns, Issue.area_id, Issue.lat, Issue.lon).where(
            is_open, or_(Issue.area_id == area.id, _in_bbox(Issue, area))
        )
    ).all()
    shape = prep(area_shape(area))
    members: dict[int, _Candidate] = {}
    for row in rows:
        if row.area_id == area.id or _covers(area, row.lat, row.lon, shape):
            members[row.id] = _Candidate(row.id, row.priority_rank, row.created_at)
    reports = session.execute(
        select(Observation.issue_id, Observation.area_id, Observation.lat, Observation.lon).where(
            _of_issues_routed_elsewhere(session, area, is_open),
            or_(Observation.area_id == area.id, _in_bbox(Observation, area)),
        )
    )
    reported = {
        issue_id
        for issue_id, obs_area_id, lat, lon in reports
        if issue_id not in members and (obs_area_id == area.id or _covers(area, lat, lon, shape))
    }
    if reported:
        for row in session.execute(select(*columns).where(Issue.id.in_(sorted(reported)))):
            members[row.id] = _Candidate(row.id, row.priority_rank, row.created_at)
    return list(members.values())


def area_open_issue_ids(session: Session, area: Area | None) -> set[int]:
    """Ids of the open issues of the area (routed, positioned or reported there)."""
    return {c.id for c in _area_candidates(session, area)} if area is not None else set()


def vote_totals(session: Session, meeting_id: int) -> dict[int, int]:
    return dict(
        session.execute(
            select(Vote.issue_id, func.count())
            .where(Vote.meeting_id == meeting_id)
            .group_by(Vote.issue_id)
        ).all()
    )


def _ordered(
    candidates: list[_Candidate], totals: dict[int, int], decided: set[int], by_votes: bool
) -> list[_Candidate]:
    """What the meeting has already taken up first, then the highest priority, newest first.

    With `by_votes` the most voted first (the coordinator and the projector); without, all
    voted-on findings as one group, so a phone's list does not reorder with every dot.
    """
    newest = sorted(candidates, key=lambda c: (c.created_at, c.id), reverse=True)

    def taken_up(c: _Candidate) -> tuple[int, bool, int]:
        votes = totals.get(c.id, 0)
        return (-votes if by_votes else -min(votes, 1), c.id not in decided, -c.priority_rank)

    return sorted(newest, key=taken_up)  # stable: newest first within equal keys


def _observation_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Observation.issue_id, func.count())
            .where(Observation.issue_id.in_(ids))
            .group_by(Observation.issue_id)
        ).all()
    )


def meeting_findings(
    session: Session,
    meeting: Meeting,
    by_votes: bool = True,
    page: int = 1,
    per_page: int = FINDINGS_PER_PAGE,
    focus: int | None = None,
    with_photos: bool = False,
) -> Page:
    """One page of the area's open findings (see `_ordered`), as a Page of Finding rows.

    `focus`: an issue id whose page to show instead of `page` when it is a finding (after a
    vote or a failed decision form, so the answer shows that finding). A page past the end
    gives the last page. `with_photos` loads the page's observations and their photos.
    """
    area = session.get(Area, meeting.area_id) if meeting.area_id else None
    if area is None:
        return Page([], 1, 1, 0)
    totals = vote_totals(session, meeting.id)
    decisions: dict[int, list[Decision]] = {}
    for decision in meeting.decisions:
        if decision.issue_id is not None:
            decisions.setdefault(decision.issue_id, []).append(decision)
    ordered = _ordered(_area_candidates(session, area), totals, set(decisions), by_votes)
    total = len(ordered)
    if focus is not None:
        page = next((i // per_page + 1 for i, c in enumerate(ordered) if c.id == focus), page)
    number, pages = clamp_page(total, page, per_page)
    start = (number - 1) * per_page
    shown = [c.id for c in ordered[start : start + per_page]]

    query = select(Issue).where(Issue.id.in_(shown))
    if with_photos:
        configure_mappers()  # Issue.observations is a backref, defined once mappers are set up
        query = query.options(selectinload(Issue.observations).selectinload(Observation.photos))
    issues = {i.id: i for i in session.scalars(query)} if shown else {}
    counts = _observation_counts(session, shown)
    rows = [
        Finding(
            issues[i],
            totals.get(i, 0),
            decisions.get(i, []),
            counts.get(i, 0),
            start + n,
        )
        for n, i in enumerate(shown, start=1)
        if i in issues
    ]
    return Page(rows, number, pages, total)


def is_finding(session: Session, meeting: Meeting, issue_id: int) -> bool:
    issue = session.get(Issue, issue_id)
    area = session.get(Area, meeting.area_id) if meeting.area_id else None
    return (
        issue is not None
        and area is not None
        and issue.status in OPEN_STATUSES
        and issue_in_area(issue, area)
    )
