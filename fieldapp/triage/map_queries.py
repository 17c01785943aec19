"""Map data for triage: points when zoomed in, grid clusters otherwise, never the whole table.

A map asks for its view (bbox) and zoom. Below POINTS_FROM_ZOOM, or when the view holds more
than POINT_LIMIT items, the answer is clusters: a GROUP BY on the stored grid cells
(geo.grid_cell) divided by a factor that grows as the map zooms out, so a cluster covers about
CLUSTER_PX screen pixels at any zoom. Clusters are aligned to that coarse grid, not to the
view, so panning never changes a cluster's count. Counting reads an index on (status or
issue_id, grid_y, grid_x) alone on both engines.

Clusters apply the list's filters as SQL; the two exact checks the list makes in Python (an
area's polygon, the local time of day across summer time) are left to the points, so near an
area's edge a cluster may count a few items the list leaves out. Points carry only codes; the
popup fetches the rest (map_item) on click.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, func, literal_column, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.geo import GRID_PER_DEGREE, grid_cell
from fieldapp.triage.filters import Filters
from fieldapp.triage.map_summary import COARSE
from fieldapp.triage.models import Issue, MapCell
from fieldapp.triage.queries import Bbox, _issue_query, _observation_query, list_page
from fieldapp.triage.workflow import STATUSES, is_overdue

ALL_STATUSES = sorted(code for code, _label in STATUSES)

POINTS_FROM_ZOOM = 14
POINT_LIMIT = 500
CLUSTER_PX = 64
MIN_ZOOM, MAX_ZOOM, DEFAULT_ZOOM = 1, 20, 12
# Where the map has no view yet (its first request): Denmark and a bit around it.
WHOLE_MAP: Bbox = (54.0, 7.5, 58.0, 15.5)
# The latitude the east-west cell size is corrected for (Denmark's middle), as in analyses.py.
MID_LAT = 56.0


@dataclass(frozen=True)
class MapData:
    clustered: bool
    features: list[dict]
    total: int


def cluster_factors(zoom: int) -> tuple[int, int]:
    """Grid cells per cluster (north-south, east-west) at a zoom: ~CLUSTER_PX pixels square."""
    degrees_per_px = 360 / (256 * 2**zoom)
    fx = max(1, round(CLUSTER_PX * degrees_per_px * GRID_PER_DEGREE))
    # A degree of latitude looks 1/cos(lat) times taller than one of longitude (Mercator).
    fy = max(1, round(fx * math.cos(math.radians(MID_LAT))))
    return fy, fx


def _base_query(session: Session, f: Filters, tz: str, now: datetime):
    if f.kind == "observations":
        query, checks = _observation_query(session, f, tz, now)
        return Observation, query, checks
    query, checks = _issue_query(session, f, tz, now)
    if f.statuses is None:
        # "All statuses" as an explicit list: the (status, grid_y, grid_x) index then serves
        # it as one range per status (neither engine skips a leading column by itself).
        query = query.where(Issue.status.in_(ALL_STATUSES))
    return Issue, query, checks


def _in_cells(model, query, bbox: Bbox, fy: int = 1, fx: int = 1):
    """Rows whose cell is in the bbox's cells, widened to whole clusters of fy × fx cells."""
    south, west, north, east = bbox
    y0, x0 = grid_cell(south, west)
    y1, x1 = grid_cell(north, east)
    return query.where(
        model.grid_y.between(y0 // fy * fy, (y1 // fy + 1) * fy - 1),
        model.grid_x.between(x0 // fx * fx, (x1 // fx + 1) * fx - 1),
    )


def _cell_degrees(cell: float, offset: int) -> float:
    return round(cell / GRID_PER_DEGREE - offset, 6)


def _summary_clusters(session: Session, f: Filters, bbox: Bbox, fy: int, fx: int):
    """Clusters added up from map_cell (map_summary.py), or None when the filters are ones it
    does not keep or the clusters are smaller than its cells."""
    if fy < COARSE or fx < COARSE:
        return None
    if f.walk_id or f.q or f.date_from or f.date_to or f.time_of_day or f.area_id:
        return None
    if f.administration_id:
        return None
    m = MapCell
    fy, fx = max(1, round(fy / COARSE)), max(1, round(fx / COARSE))
    south, west, north, east = bbox
    y0, x0 = grid_cell(south, west)
    y1, x1 = grid_cell(north, east)
    y0, y1 = y0 // COARSE, y1 // COARSE
    x0, x1 = x0 // COARSE, x1 // COARSE
    query = select(
        func.sum(m.count),
        func.sum(m.sum_y),
        func.sum(m.sum_x),
        func.min(m.cy),
        func.min(m.cx),
        func.max(m.cy),
        func.max(m.cx),
    ).where(
        m.cy.between(y0 // fy * fy, (y1 // fy + 1) * fy - 1),
        m.cx.between(x0 // fx * fx, (x1 // fx + 1) * fx - 1),
    )
    if f.kind == "observations":
        query = query.where(m.kind == "o")
    else:
        query = query.where(m.kind == "i")
        if f.statuses is not None:
            query = query.where(m.status.in_(sorted(f.statuses)))
    if f.category:
        query = query.where(m.category == f.category)
    cy = m.cy // literal_column(str(fy), Integer)
    cx = m.cx // literal_column(str(fx), Integer)
    query = query.group_by(cy, cx).having(func.sum(m.count) > 0)
    rows = []
    for count, sy, sx, cy0, cx0, cy1, cx1 in session.execute(query):
        count = int(count)
        rows.append(
            (count, int(sy) / count, int(sx) / count, cy0 * COARSE, cx0 * COARSE)
            + ((cy1 + 1) * COARSE - 1, (cx1 + 1) * COARSE - 1)
        )
    return rows


def clusters(session: Session, f: Filters, model, query, bbox: Bbox, zoom: int) -> list[dict]:
    fy, fx = cluster_factors(zoom)
    rows = _summary_clusters(session, f, bbox, fy, fx)
    if rows is None:
        rows = _counted_clusters(session, model, query, bbox, fy, fx)
    return [_cluster_feature(*row) for row in rows]


def _cluster_feature(count, ay, ax, y0, x0, y1, x1) -> dict:
    # Cell centres: + 0.5 of a cell.
    lat, lon = _cell_degrees(ay + 0.5, 90), _cell_degrees(ax + 0.5, 180)
    bounds = [
        _cell_degrees(y0, 90),
        _cell_degrees(x0, 180),
        _cell_degrees(y1 + 1, 90),
        _cell_degrees(x1 + 1, 180),
    ]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"cluster": True, "count": count, "bounds": bounds},
    }


def _counted_clusters(session: Session, model, query, bbox: Bbox, fy: int, fx: int):
    # Inline constants: PostgreSQL matches GROUP BY to the SELECT only for identical text.
    # Floor division of whole numbers (both are never negative) on both engines.
    cy = model.grid_y // literal_column(str(fy), Integer)
    cx = model.grid_x // literal_column(str(fx), Integer)
    grouped = (
        _in_cells(model, query, bbox, fy, fx)
        .with_only_columns(
            func.count(),
            func.avg(model.grid_y),
            func.avg(model.grid_x),
            func.min(model.grid_y),
            func.min(model.grid_x),
            func.max(model.grid_y),
            func.max(model.grid_x),
        )
        .group_by(cy, cx)
        .order_by(None)
    )
    return [
        (int(count), float(ay), float(ax), y0, x0, y1, x1)
        for count, ay, ax, y0, x0, y1, x1 in session.execute(grouped)
    ]


def _point(kind: str, row, now: datetime) -> dict:
    if kind == "observations":
        props = {"kind": "observation", "id": row.id, "category": row.category}
    else:
        props = {
            "kind": "issue",
            "id": row.id,
            "category": row.category,
            "status": row.status,
            "overdue": is_overdue(row, now),
        }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": props,
    }


def points(session: Session, f: Filters, tz: str, model, query, checks, bbox: Bbox, now):
    """Up to POINT_LIMIT + 1 items in the bbox, in no particular order (the map needs none)."""
    if checks:
        # The exact Python checks need whole rows: the list's own pager applies them.
        page = list_page(session, f, tz, limit=POINT_LIMIT, bbox=bbox, for_map=True, now=now)
        rows = page.items + ([None] if page.next_cursor else [])
        return rows
    south, west, north, east = bbox
    cols = [model.id, model.lat, model.lon, model.category]
    if model is Issue:
        cols += [Issue.status, Issue.due_at]
    query = (
        _in_cells(model, query, bbox)
        .with_only_columns(*cols)
        .where(model.lat.between(south, north), model.lon.between(west, east))
        .order_by(None)
        .limit(POINT_LIMIT + 1)
    )
    return session.execute(query).all()


def map_data(
    session: Session,
    f: Filters,
    tz: str,
    bbox: Bbox | None,
    zoom: int | None,
    now: datetime | None = None,
) -> MapData:
    """What the triage map shows for a view: points, or clusters when there are too many."""
    now = now or utcnow()
    bbox = bbox or WHOLE_MAP
    zoom = DEFAULT_ZOOM if zoom is None else zoom
    model, query, checks = _base_query(session, f, tz, now)
    if zoom >= POINTS_FROM_ZOOM:
        rows = points(session, f, tz, model, query, checks, bbox, now)
        if len(rows) <= POINT_LIMIT:
            features = [_point(f.kind, r, now) for r in rows]
            return MapData(False, features, len(features))
    features = clusters(session, f, model, query, bbox, zoom)
    return MapData(True, features, sum(c["properties"]["count"] for c in features))


def parse_zoom(raw: str | None) -> int | None:
    """The map's zoom level, None when not given.

    :raise ValueError: not a whole number from MIN_ZOOM to MAX_ZOOM.
    """
    if raw is None or raw == "":
        return None
    zoom = int(raw)
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(raw)
    return zoom
