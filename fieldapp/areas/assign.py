"""Which area a walk, an observation or an issue belongs to, one at a time or in bulk.

The rules, the same as triage uses for a new issue:
- a walk: the area chosen on its form, else the smallest area around its meeting point;
- an observation: its walk's area, else its meeting's, else the smallest area around it;
- an issue: its walk's area (or that of one of its observations' walks), else its position's.

Bulk runs (the `assign-areas` command, and an area being drawn, redrawn or deleted) read rows in
id batches and test points against the areas in memory, smallest first, so a run over many
thousands of rows costs a few queries per batch, not one per row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from shapely.errors import GEOSException
from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy import Select, and_, false, func, or_, select, true, update
from sqlalchemy.orm import Session, aliased

from fieldapp.areas.services import area_containing, area_shape, list_areas
from fieldapp.capture.models import Observation
from fieldapp.meetings.models import Meeting
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk

BATCH = 1000
KINDS = ("walks", "observations", "issues")
Box = tuple[float, float, float, float]  # south, west, north, east
Progress = Callable[[str, int, int], None]  # kind, rows checked, rows changed


def area_for_point(session: Session, lat: float | None, lon: float | None) -> int | None:
    """The id of the smallest area covering the point; None when there is none or no point."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    try:
        area = area_containing(session, lat, lon)
    except (GEOSException, ValueError, TypeError):  # a broken stored outline finds nothing
        return None
    return area.id if area else None


def assign_observation(session: Session, obs: Observation) -> int | None:
    """Set and return obs.area_id: the walk's area, else the meeting's, else by position."""
    walk = obs.walk if obs.walk is not None else _get(session, Walk, obs.walk_id)
    area_id = walk.area_id if walk is not None else None
    if area_id is None and obs.meeting_id is not None:
        meeting = _get(session, Meeting, obs.meeting_id)
        area_id = meeting.area_id if meeting is not None else None
    if area_id is None:
        area_id = area_for_point(session, obs.lat, obs.lon)
    obs.area_id = area_id
    return area_id


def assign_walk(session: Session, walk: Walk, chosen: int | None) -> int | None:
    """Set the walk's area: the chosen one, else the one around the meeting point.

    When a saved walk's area changes, its observations and issues follow it.
    """
    area_id = (
        chosen
        if chosen is not None
        else area_for_point(session, walk.meeting_lat, walk.meeting_lon)
    )
    changed = area_id != walk.area_id
    walk.area_id = area_id
    if changed and walk.id is not None:
        session.flush()
        _run(session, _Scope(walk_ids={walk.id}, skip_walks=True), None)
    return area_id


def reassign_all(
    session: Session, everything: bool = False, progress: Progress | None = None
) -> dict[str, int]:
    """Give walks, observations and issues without an area the one they belong to.

    With `everything`, recompute rows that have an area too; a walk then takes the area around
    its meeting point when there is one (replacing an area chosen on its form) and keeps its
    area when there is none. Returns how many rows changed per kind.
    """
    return _run(session, _Scope(sweep="all" if everything else "missing"), progress)


def reassign_in_box(session: Session, box: Box, area_id: int | None = None) -> dict[str, int]:
    """After an area is drawn, redrawn or deleted: recompute what lies in its bounding box.

    Observations and issues in the box (and those that pointed to `area_id`) are recomputed;
    walks in the box get an area only when they have none, since a walk's may have been chosen.
    """
    return _run(session, _Scope(box=box, area_id=area_id), None)


def area_contents(session: Session, area_id: int) -> dict[str, int]:
    """How many walks, observations and issues belong to the area."""
    return {
        kind: session.scalar(select(func.count()).where(model.area_id == area_id)) or 0
        for kind, model in zip(KINDS, (Walk, Observation, Issue), strict=True)
    }


# --- the bulk run --------------------------------------------------------------------------------


@dataclass
class _Scope:
    sweep: str = ""  # "missing": every row without an area; "all": every row
    box: Box | None = None
    area_id: int | None = None  # rows pointing to this area are recomputed as well
    walk_ids: set[int] = field(default_factory=set)  # walks whose area changed
    skip_walks: bool = False


class _Locator:
    """Every area's outline in memory, smallest first, as areas_containing orders them."""

    def __init__(self, session: Session) -> None:
        areas = sorted(list_areas(session), key=lambda a: (area_shape(a).area, a.id))
        self._areas = [(a.id, a.south, a.west, a.north, a.east, prep(area_shape(a))) for a in areas]

    def find(self, lat: float | None, lon: float | None) -> int | None:
        if lat is None or lon is None:
            return None
        point = None
        for area_id, south, west, north, east, outline in self._areas:
            if south <= lat <= north and west <= lon <= east:
                point = point or Point(lon, lat)
                if outline.covers(point):
                    return area_id
        return None


def _get(session: Session, model, row_id: int | None):
    return session.get(model, row_id) if row_id is not None else None


def _in_box(lat, lon, box: Box):
    south, west, north, east = box
    return and_(lat >= south, lat <= north, lon >= west, lon <= east)


def _run(session: Session, scope: _Scope, progress: Progress | None) -> dict[str, int]:
    locator = _Locator(session)
    counts = dict.fromkeys(KINDS, 0)
    if not scope.skip_walks:
        counts["walks"] = _walks(session, scope, locator, progress)
    counts["observations"] = _batches(
        session, "observations", Observation, _observation_rows(scope), locator, progress
    )
    counts["issues"] = _batches(session, "issues", Issue, _issue_rows(scope), locator, progress)
    return counts


def _walks(session: Session, scope: _Scope, locator: _Locator, progress) -> int:
    query = select(Walk.id, Walk.area_id, Walk.meeting_lat, Walk.meeting_lon, Walk.area_id)
    query = query.where(Walk.meeting_lat.is_not(None), Walk.meeting_lon.is_not(None))
    if scope.box is not None:
        query = query.where(_in_box(Walk.meeting_lat, Walk.meeting_lon, scope.box))
    if scope.sweep != "all":
        query = query.where(Walk.area_id.is_(None))
    # A walk's area is never taken away here: the point finding none keeps what it has.
    return _batches(session, "walks", Walk, query, locator, progress, scope.walk_ids)


def _picks(model, walk_column, scope: _Scope) -> list:
    """The rows a run looks at: by sweep, in the box, in the area, or on a walk that moved."""
    if scope.sweep == "all":
        return [true()]
    picks = []
    if scope.sweep == "missing":
        picks.append(model.area_id.is_(None))
    if scope.walk_ids:
        picks.append(walk_column.in_(scope.walk_ids))
    if scope.box is not None:
        picks.append(_in_box(model.lat, model.lon, scope.box))
    if scope.area_id is not None:
        picks.append(model.area_id == scope.area_id)
    return picks or [false()]


def _observation_rows(scope: _Scope) -> Select:
    preferred = func.coalesce(Walk.area_id, Meeting.area_id)
    query = (
        select(Observation.id, Observation.area_id, Observation.lat, Observation.lon, preferred)
        .outerjoin(Walk, Walk.id == Observation.walk_id)
        .outerjoin(Meeting, Meeting.id == Observation.meeting_id)
    )
    return query.where(or_(*_picks(Observation, Observation.walk_id, scope)))


def issue_area_rows() -> Select:
    """(id, area_id, lat, lon, preferred area) of issues: the preferred area is the issue's
    own walk's, else the first observation's walk's (triage takes that one when the issue spans
    several walks). Shared with triage/issue_spans.py, which keeps the area in step."""
    own_walk = aliased(Walk)
    obs_walk = aliased(Walk)
    via_observations = (
        select(obs_walk.area_id)
        .join(Observation, Observation.walk_id == obs_walk.id)
        .where(Observation.issue_id == Issue.id, obs_walk.area_id.is_not(None))
        .order_by(Observation.id)
        .limit(1)
        .correlate(Issue)
        .scalar_subquery()
    )
    preferred = func.coalesce(own_walk.area_id, via_observations)
    return select(Issue.id, Issue.area_id, Issue.lat, Issue.lon, preferred).outerjoin(
        own_walk, own_walk.id == Issue.walk_id
    )


def _issue_rows(scope: _Scope) -> Select:
    query = issue_area_rows()
    picks = _picks(Issue, Issue.walk_id, scope)
    if scope.walk_ids and scope.sweep != "all":
        on_walks = select(Observation.issue_id).where(Observation.walk_id.in_(scope.walk_ids))
        picks.append(Issue.id.in_(on_walks))
    return query.where(or_(*picks))


def _batches(
    session: Session,
    kind: str,
    model,
    query: Select,
    locator: _Locator,
    progress: Progress | None,
    changed_ids: set[int] | None = None,
) -> int:
    """Walk `query`'s (id, area_id, lat, lon, preferred area) rows by id; update what differs.

    A preferred area (the walk's or meeting's) wins over the position; a walk whose point lies
    in no area keeps the area it has.
    """
    checked = changed = 0
    last = 0
    while True:
        rows = session.execute(query.where(model.id > last).order_by(model.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1][0]
        moves: dict[int | None, list[int]] = defaultdict(list)
        for row_id, current, lat, lon, preferred in rows:
            if model is Walk:
                found = locator.find(lat, lon)
                new = current if found is None else found
            else:
                new = preferred if preferred is not None else locator.find(lat, lon)
            if new != current:
                moves[new].append(row_id)
        for new, ids in moves.items():
            # The ORM update also sets area_id on objects the session holds.
            session.execute(update(model).where(model.id.in_(ids)).values(area_id=new))
            changed += len(ids)
            if changed_ids is not None:
                changed_ids.update(ids)
        checked += len(rows)
        if progress is not None:
            progress(kind, checked, changed)
    if progress is not None and not checked:
        progress(kind, 0, 0)
    return changed
