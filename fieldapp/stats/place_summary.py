"""Two more observation summaries for the analyses page, per local (Copenhagen) month:
walk_month (safety feelings per walk) and cell_month (observations per ~100 m hot-spot cell
and category), so "safety per walk" and "hot spots" add up summary rows instead of grouping
a year of observations on every request (about a second each at a million observations).

Kept correct like stats/summary.py (the observation_month summary) and in the same way, but
by flush listeners of their own: on every ORM flush that touches what a row depends on (an
observation's time, category, safety, position, own area or walk; a walk's area; a deleted
walk or area), the affected observations are read from the database before the flush and
subtracted, and read again after it and added, in the same transaction; bulk UPDATE/DELETE
statements through the session likewise, through the listener the observation summaries share
(stats/observation_changes.py). `flask stats-summary` (rebuild) recounts both.

Keys: area_key is the observation's own area, else its walk's, else 0 (as observation_month);
the hot-spot cell is the observation's position rounded to whole cells by the database itself
(hot_cell), exactly as the analyses grouped it before. Readers fill in the days at the edges of
a period from the observations (summary.month_split).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Integer, cast, event, func, literal_column, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.db import upsert_add
from fieldapp.stats.models import CellMonth, WalkMonth
from fieldapp.stats.summary import affected_observation_ids, month_key
from fieldapp.walks.models import Walk

# ~100 m cells: a degree of latitude is 111.3 km; longitude degrees shrink with the latitude,
# taken at Denmark's middle (56° N) so cells stay square to within a few per cent nationwide.
CELL_METRES = 100
LAT_STEP = CELL_METRES / 111_320
LON_STEP = LAT_STEP / math.cos(math.radians(56.0))
TRACKED = ("created_at", "category", "safety", "area_id", "walk_id", "lat", "lon")
CHUNK = 500
_PENDING = "place_summary_pending"


def hot_cell():
    """SQL: (row, column) of the observation's hot-spot cell; NULL without a position."""
    # Inline constants: PostgreSQL only matches GROUP BY to the SELECT expression when the two
    # are identical, and two bound parameters are not.
    lat_cell = cast(func.round(Observation.lat / literal_column(repr(LAT_STEP))), Integer)
    lon_cell = cast(func.round(Observation.lon / literal_column(repr(LON_STEP))), Integer)
    return lat_cell, lon_cell


def area_key():
    """SQL: the observation's area as the summaries key it (needs the outer join to Walk)."""
    return func.coalesce(Observation.area_id, Walk.area_id, 0)


def state_columns() -> tuple:
    """What the two summaries read of an observation (its walk outer-joined)."""
    cy, cx = hot_cell()
    return (
        Observation.created_at,
        Observation.category,
        Observation.safety,
        Observation.walk_id,
        area_key(),
        cy,
        cx,
    )


def _state_query():
    return select(*state_columns()).outerjoin(Walk, Walk.id == Observation.walk_id)


def add_rows(deltas: tuple[dict, dict], rows: Iterable, sign: int) -> None:
    walks, cells = deltas
    for created, category, safety, walk_id, area, cy, cx in rows:
        month, _band = month_key(created)
        if walk_id is not None and safety is not None:
            entry = walks[(walk_id, area, month)]
            entry[0] += sign * safety
            entry[1] += sign
        if cy is not None and cx is not None:
            cells[(month, area, cy, cx, category)] += sign


def new_deltas() -> tuple[dict, dict]:
    return defaultdict(lambda: [0, 0]), defaultdict(int)


def _read(connection, deltas, ids: set[int], sign: int) -> None:
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        query = _state_query().where(Observation.id.in_(ordered[i : i + CHUNK]))
        add_rows(deltas, connection.execute(query), sign)


def apply_deltas(connection, deltas) -> None:
    walks, cells = deltas
    walk_rows = [
        {"walk_id": k[0], "area_key": k[1], "month": k[2], "safety_sum": v[0], "safety_count": v[1]}
        for k, v in walks.items()
        if any(v)
    ]
    upsert_add(connection, WalkMonth.__table__, ["walk_id", "area_key", "month"], walk_rows)
    cell_rows = [
        {"month": k[0], "area_key": k[1], "cy": k[2], "cx": k[3], "category": k[4], "count": v}
        for k, v in cells.items()
        if v
    ]
    keys = ["cy", "cx", "month", "area_key", "category"]
    upsert_add(connection, CellMonth.__table__, keys, cell_rows)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if not session.info.get("observation_summary", True):
        return
    ids = affected_observation_ids(session, TRACKED)
    new = [o for o in session.new if isinstance(o, Observation)]
    if not ids and not new:
        return
    deltas = new_deltas()
    if ids:
        _read(session.connection(), deltas, ids, -1)
    session.info.setdefault(_PENDING, []).append((ids, new, deltas))


def python_cell(dialect: str, lat: float, lon: float) -> tuple[int, int]:
    """hot_cell() computed here, as the engine computes it: the same double division, then
    SQLite's round() (half away from zero) or PostgreSQL's round(double) (half to even)."""

    def rounded(q: float) -> int:
        if dialect == "sqlite":
            return int(q + 0.5) if q >= 0 else int(q - 0.5)
        return int(round(q))

    return rounded(lat / LAT_STEP), rounded(lon / LON_STEP)


def _new_state(session: Session, dialect: str, obs: Observation):
    """A new observation's summary state from memory (a submission costs no SELECT); None when
    its walk's area is not known here."""
    area = obs.area_id
    if area is None and obs.walk_id is not None:
        walk = session.identity_map.get((Walk, (obs.walk_id,), None))
        if walk is None or "area_id" not in walk.__dict__:
            return None
        area = walk.area_id
    if obs.created_at is None or obs.category is None:
        return None
    cy = cx = None
    if obs.lat is not None and obs.lon is not None:
        cy, cx = python_cell(dialect, obs.lat, obs.lon)
    return obs.created_at, obs.category, obs.safety, obs.walk_id, area or 0, cy, cx


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    for ids, new, deltas in session.info.pop(_PENDING, []):
        connection = session.connection()
        after = set(ids)
        states = []
        for obs in new:
            if obs.id is None:
                continue
            state = _new_state(session, connection.dialect.name, obs)
            if state is None or obs.id in after:
                after.add(obs.id)
            else:
                states.append(state)
        add_rows(deltas, states, +1)
        _read(connection, deltas, after, +1)
        apply_deltas(connection, deltas)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)


def rebuild(connection) -> int:
    """Recount both tables from the observations; returns the rows written."""
    connection.execute(WalkMonth.__table__.delete())
    connection.execute(CellMonth.__table__.delete())
    deltas = new_deltas()
    query = _state_query().execution_options(yield_per=5000)
    add_rows(deltas, connection.execute(query), +1)
    apply_deltas(connection, deltas)
    return len(deltas[0]) + len(deltas[1])
