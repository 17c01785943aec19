"""The dashboards' observation summary and the map's cell counts as stored, and the same
tables recounted here by hand from the raw rows (shared by the summary tests).

The recounts read plain columns, not ORM objects, so what the database itself holds is
counted, even where its cascades changed rows the session still holds in memory.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.geo import grid_cell
from fieldapp.stats.analyses import HOUR_BANDS
from fieldapp.stats.models import ObservationMonth
from fieldapp.triage.models import Issue, MapCell
from fieldapp.walks.models import Walk

ZONE = ZoneInfo("Europe/Copenhagen")


def stored_summary() -> dict:
    rows = db.session.execute(select(ObservationMonth)).scalars()
    return {
        (r.area_key, r.category, r.month, r.band): (r.count, r.safety_sum, r.safety_count)
        for r in rows
        if r.count or r.safety_sum or r.safety_count
    }


def recount() -> dict:
    """The summary computed here, by hand, from every observation row."""
    walks = dict(db.session.execute(select(Walk.id, Walk.area_id)).all())
    table: dict = defaultdict(lambda: [0, 0, 0])
    query = select(
        Observation.area_id,
        Observation.walk_id,
        Observation.created_at,
        Observation.category,
        Observation.safety,
    )
    for area_id, walk_id, created, category, safety in db.session.execute(query):
        area = area_id or walks.get(walk_id) or 0
        local = created.astimezone(ZONE)
        entry = table[(area, category, local.year * 100 + local.month, HOUR_BANDS[local.hour])]
        entry[0] += 1
        if safety is not None:
            entry[1] += safety
            entry[2] += 1
    return {k: tuple(v) for k, v in table.items()}


def stored_cells() -> dict:
    rows = db.session.scalars(select(MapCell))
    return {
        (r.kind, r.status, r.category, r.cy, r.cx): (r.count, r.sum_y, r.sum_x)
        for r in rows
        if r.count or r.sum_y or r.sum_x
    }


def recounted_cells() -> dict:
    """map_cell computed here from every loose observation and every issue, by hand."""
    table: dict = defaultdict(lambda: [0, 0, 0])
    loose = select(Observation.category, Observation.lat, Observation.lon).where(
        Observation.issue_id.is_(None)
    )
    items = [("o", "", *row) for row in db.session.execute(loose)]
    issues = select(Issue.status, Issue.category, Issue.lat, Issue.lon)
    items += [("i", *row) for row in db.session.execute(issues)]
    for kind, status, category, lat, lon in items:
        if lat is None or lon is None:
            continue
        gy, gx = grid_cell(lat, lon)
        entry = table[(kind, status, category, gy // 10, gx // 10)]
        entry[0] += 1
        entry[1] += gy
        entry[2] += gx
    return {k: tuple(v) for k, v in table.items()}
