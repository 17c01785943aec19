"""Listing observations and issues for triage: filters, keyset paging and map points.

Keyset ("seek") paging: the next page starts after the last row's sort key, so a page costs
the same at row 50 and at row 50,000 and rows inserted meanwhile never shift a page (no
OFFSET). The area polygon and the exact local time of day are checked in Python after a
portable SQL prefilter (bounding box, UTC-hour superset); the pager keeps reading chunks until
the page is full or a scan budget is spent, and then hands out a cursor where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry import Point
from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from fieldapp.areas.models import Area
from fieldapp.areas.services import area_shape
from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.triage.filters import (
    NO_ADMINISTRATION,
    Filters,
    in_time_of_day,
    local_day_bounds,
    utc_hour_candidates,
)
from fieldapp.triage.models import Issue
from fieldapp.triage.paging import (
    decode_cursor,
    encode_cursor,
    rows_after,
    sort_spec,
)
from fieldapp.triage.sqlfuncs import text_search, utc_hour
from fieldapp.triage.workflow import OPEN_STATUSES, is_overdue
from fieldapp.walks.models import Walk

PAGE_SIZE = 50
# The tabs' counts stop here; more shows as "999+".
COUNT_CAP = 999
MAP_LIMIT = 2000
# Rows read at most for one page when a Python check (polygon, local hour) drops rows.
SCAN_BUDGET = 5000
Bbox = tuple[float, float, float, float]  # south, west, north, east


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def _issue_observations():
    # The backref exists once the mappers are configured; a query is what configures them.
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    return Issue.observations


def _covers(area: Area, lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and area_shape(area).covers(Point(lon, lat))


def _observation_query(
    session: Session, f: Filters, tz: str, now: datetime, include_in_issues: bool = False
):
    query = select(Observation)
    if not include_in_issues:  # triage works on what is not yet in an issue
        query = query.where(Observation.issue_id.is_(None))
    checks: list[Callable[[Observation], bool]] = []
    if f.walk_id:
        query = query.where(Observation.walk_id == f.walk_id)
    if f.category:
        query = query.where(Observation.category == f.category)
    if f.q:
        query = query.where(text_search(session, Observation, f.q))
    start, end = local_day_bounds(f.date_from, f.date_to, tz)
    if start:
        query = query.where(Observation.created_at >= start)
    if end:
        query = query.where(Observation.created_at < end)
    if f.time_of_day:
        hours = utc_hour_candidates(f.time_of_day, tz, now)
        query = query.where(utc_hour(Observation.created_at).in_(sorted(hours)))
        checks.append(lambda o: in_time_of_day(o.created_at, f.time_of_day, tz))
    if f.area_id:
        area = session.get(Area, f.area_id)
        if area is None:
            return query.where(false()), checks
        walks = select(Walk.id).where(Walk.area_id == area.id)
        query = query.where(
            or_(
                Observation.walk_id.in_(walks),
                and_(
                    Observation.lat.between(area.south, area.north),
                    Observation.lon.between(area.west, area.east),
                ),
            )
        )
        checks.append(
            lambda o: (
                (o.walk is not None and o.walk.area_id == area.id) or _covers(area, o.lat, o.lon)
            )
        )
    return query, checks


def _observed_in(f: Filters, tz: str, now: datetime) -> tuple[list, Callable | None]:
    """SQL terms and an exact check on an observation's time, for filtering issues by it."""
    terms = []
    start, end = local_day_bounds(f.date_from, f.date_to, tz)
    if start:
        terms.append(Observation.created_at >= start)
    if end:
        terms.append(Observation.created_at < end)
    if f.time_of_day:
        hours = utc_hour_candidates(f.time_of_day, tz, now)
        terms.append(utc_hour(Observation.created_at).in_(sorted(hours)))
    if not terms:
        return [], None

    def matches(o: Observation) -> bool:
        return (
            (start is None or o.created_at >= start)
            and (end is None or o.created_at < end)
            and (not f.time_of_day or in_time_of_day(o.created_at, f.time_of_day, tz))
        )

    return terms, matches


def _issue_query(session: Session, f: Filters, tz: str, now: datetime):
    query = select(Issue)
    checks: list[Callable[[Issue], bool]] = []
    statuses = f.statuses
    if statuses is not None:
        query = query.where(Issue.status.in_(sorted(statuses)))
    if f.administration_id == NO_ADMINISTRATION:
        query = query.where(Issue.administration_id.is_(None))
    elif f.administration_id:
        query = query.where(Issue.administration_id == f.administration_id)
    if f.category:
        query = query.where(Issue.category == f.category)
    if f.q:
        query = query.where(text_search(session, Issue, f.q))
    if f.walk_id:
        query = query.where(
            or_(
                Issue.walk_id == f.walk_id,
                exists().where(Observation.issue_id == Issue.id, Observation.walk_id == f.walk_id),
            )
        )
    query = _observed_span(query, f, tz, now, checks)
    if f.area_id:
        # The stored area (issue_spans.py keeps it by areas/assign.py's rule), as the
        # dashboards count an area's issues (stats/counts.py): read in ix_issue_area_created
        # order, with no polygon test per row.
        query = query.where(Issue.area_id == f.area_id)
    return query, checks


def _observed_span(query: Select, f: Filters, tz: str, now: datetime, checks: list) -> Select:
    """Issues with an observation in the date range (and time of day), as an EXISTS over the
    issue's observations says, answered from the stored first/last observation time.

    An observation from `start` on exists when the last one is; one before `end` when the first
    one is. Only a range closed on both sides (an issue observed before and after it, not in
    it) or a time of day needs the observations themselves, after the stored columns have
    narrowed the rows.
    """
    terms, matches = _observed_in(f, tz, now)
    if not terms:
        return query
    start, end = local_day_bounds(f.date_from, f.date_to, tz)
    if start is not None:
        query = query.where(Issue.last_observed_at >= start)
    if end is not None:
        query = query.where(Issue.first_observed_at < end)
    if f.time_of_day or (start is not None and end is not None):
        query = query.where(exists().where(Observation.issue_id == Issue.id, *terms))
    if f.time_of_day:
        checks.append(lambda i: any(matches(o) for o in i.observations))
    return query


def _with_options(query: Select, f: Filters, for_map: bool) -> Select:
    if f.kind == "observations":
        query = query.options(joinedload(Observation.walk))
        if not for_map:
            query = query.options(
                selectinload(Observation.photos), selectinload(Observation.participant)
            )
        return query
    query = query.options(joinedload(Issue.administration))
    if not for_map or f.time_of_day:
        query = query.options(selectinload(_issue_observations()))
    return query


def list_page(
    session: Session,
    f: Filters,
    tz: str,
    *,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    bbox: Bbox | None = None,
    for_map: bool = False,
    now: datetime | None = None,
    include_in_issues: bool = False,
) -> Page:
    """One page of observations (not yet in an issue, unless include_in_issues) or issues, in
    the filter's sort order.

    :raise BadCursor: a cursor that does not belong to this list and sort.
    """
    now = now or utcnow()
    spec = sort_spec(f.kind, f.sort)
    model = Observation if f.kind == "observations" else Issue
    if f.kind == "observations":
        query, checks = _observation_query(session, f, tz, now, include_in_issues)
    else:
        query, checks = _issue_query(session, f, tz, now)
    if bbox is not None or for_map:
        query = query.where(model.lat.is_not(None), model.lon.is_not(None))
    if bbox is not None:
        south, west, north, east = bbox
        query = query.where(model.lat.between(south, north), model.lon.between(west, east))
    query = _with_options(query, f, for_map)
    order = [e.desc() if spec.descending else e.asc() for e in spec.exprs]
    query = query.order_by(*order)

    after = decode_cursor(cursor, f.kind, f.sort, spec) if cursor else None
    chunk = limit + 1 if not checks else max(limit + 1, 200)
    found: list = []
    scanned = 0
    last_scanned = None
    while True:
        step = query if after is None else query.where(rows_after(spec, after))
        batch = session.scalars(step.limit(chunk)).unique().all()
        scanned += len(batch)
        for row in batch:
            last_scanned = row
            if all(check(row) for check in checks):
                found.append(row)
                if len(found) > limit:
                    break
        if len(found) > limit or len(batch) < chunk:
            break
        after = spec.key_of(batch[-1])
        if scanned >= SCAN_BUDGET:
            # Stop reading; the cursor continues right after the last row looked at.
            return Page(found, encode_cursor(f.kind, f.sort, spec.key_of(last_scanned)))
    if len(found) > limit:
        items = found[:limit]
        return Page(items, encode_cursor(f.kind, f.sort, spec.key_of(items[-1])))
    return Page(found, None)


def _capped_count(session: Session, query: Select) -> int:
    """Rows of `query`, counting no further than COUNT_CAP + 1: a tab says "999+" rather than
    counting a whole backlog on every page."""
    limited = query.limit(COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def tab_counts(session: Session) -> dict[str, int]:
    """Totals for the tabs: observations waiting for triage, open issues (capped, see
    COUNT_CAP; the template shows a capped count as "999+")."""
    loose = select(Observation.id).where(Observation.issue_id.is_(None))
    open_issues = select(Issue.id).where(Issue.status.in_(sorted(OPEN_STATUSES)))
    return {
        "observations": _capped_count(session, loose),
        "issues": _capped_count(session, open_issues),
    }


def map_features(
    items: Iterable,
    kind: str,
    issue_url: Callable[[int], str],
    now: datetime | None = None,
) -> list[dict]:
    """GeoJSON features; only codes and plain text (the page translates, the script escapes).

    Nothing about who reported: no participant, no e-mail, whoever looks at the map.
    """
    now = now or utcnow()
    features = []
    for item in items:
        if item.lat is None or item.lon is None:
            continue
        if kind == "observations":
            props = {
                "kind": "observation",
                "id": item.id,
                "category": item.category,
                "text": (item.text or "")[:200],
                "severity": item.severity,
                "created_at": item.created_at.isoformat(),
            }
        else:
            props = {
                "kind": "issue",
                "id": item.id,
                "category": item.category,
                "title": item.title,
                "status": item.status,
                "priority": item.priority,
                "overdue": is_overdue(item, now),
                "url": issue_url(item.id),
            }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [item.lon, item.lat]},
                "properties": props,
            }
        )
    return features
