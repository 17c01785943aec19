"""Observations counted per area × category × local month × time of day, kept in step with
the observations in the same transaction, so dashboards add up a few hundred rows instead of
scanning years of observations.

How it stays correct: on every ORM flush that touches what a summary row depends on (an
observation's time, category, safety, own area or walk; a walk's area; a deleted walk or area),
the affected observations are read from the database before the flush and subtracted, and read
again after it and added. Both reads see the database itself, so cascades the database does
(a deleted walk's observations, an area set to NULL) are counted as they really are. Bulk
UPDATE and DELETE statements through the session are wrapped the same way, by the one listener
all observation summaries share (stats/observation_changes.py); only SQL sent past the ORM
bypasses this, and `flask stats-summary` rebuilds everything after it.

A new observation is added from the object itself, without reading it back: every value the
summary needs (time, category, safety, own area, or its walk's area) is known in memory once it
is inserted (db.inserted_values), which saves a SELECT on every submission (bench/submit.py).
It is read from the database like the others when a value is not known in memory (its walk not
loaded, a server-evaluated expression) or when the same flush deletes a walk or an area, whose
cascades could change the new row after the ORM wrote it.

The area of an observation is its own area, else its walk's (counts.observation_in_area);
area_key 0 means neither. Months and times of day are Copenhagen time (criteria.DEFAULT_TZ);
readers asking in another time zone, or for a range that does not start and end on a month
boundary, read the raw observations for what the summary cannot answer (see month_split).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.db import inserted_values, upsert_add
from fieldapp.stats.models import ObservationMonth
from fieldapp.triage.filters import TIMES_OF_DAY, local_hours
from fieldapp.walks.models import Walk

SUMMARY_TZ = "Europe/Copenhagen"
ZONE = ZoneInfo(SUMMARY_TZ)
HOUR_BANDS = {hour: code for code, _l, _s, _e in TIMES_OF_DAY for hour in local_hours(code)}
TRACKED = ("created_at", "category", "safety", "area_id", "walk_id")
CHUNK = 500
Key = tuple[int, str, int, str]  # area_key, category, month (yyyymm), band


def month_key(moment: datetime) -> tuple[int, str]:
    local = moment.astimezone(ZONE)
    return local.year * 100 + local.month, HOUR_BANDS[local.hour]


def state_columns() -> tuple:
    """What the summary reads of an observation (its walk outer-joined)."""
    area = func.coalesce(Observation.area_id, Walk.area_id)
    return Observation.created_at, Observation.category, Observation.safety, area


def _state_query():
    return select(*state_columns()).outerjoin(Walk, Walk.id == Observation.walk_id)


def new_deltas() -> dict:
    return defaultdict(lambda: [0, 0, 0])


def add_rows(deltas: dict, rows: Iterable, sign: int) -> None:
    for created, category, safety, area_id in rows:
        month, band = month_key(created)
        entry = deltas[(area_id or 0, category, month, band)]
        entry[0] += sign
        if safety is not None:
            entry[1] += sign * safety
            entry[2] += sign


def _read(connection, deltas: dict, ids: set[int], sign: int) -> None:
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        query = _state_query().where(Observation.id.in_(ordered[i : i + CHUNK]))
        add_rows(deltas, connection.execute(query), sign)


def apply_deltas(connection, deltas: dict) -> None:
    """Add the deltas to the summary rows (insert or add up), in the caller's transaction."""
    rows = [
        {
            "area_key": k[0],
            "category": k[1],
            "month": k[2],
            "band": k[3],
            "count": v[0],
            "safety_sum": v[1],
            "safety_count": v[2],
        }
        for k, v in deltas.items()
        if any(v)
    ]
    upsert_add(
        connection, ObservationMonth.__table__, ["area_key", "category", "month", "band"], rows
    )


def affected_observation_ids(session: Session, tracked: Iterable[str] = TRACKED) -> set[int]:
    """Ids of stored observations whose summary rows may change in this flush: deleted ones,
    ones with a `tracked` column changed, and those of a deleted or re-areaed walk or a deleted
    area (their area comes from there). Shared by every per-observation summary."""
    ids: set[int] = set()
    walk_ids: set[int] = set()
    area_ids: set[int] = set()
    for obj in session.deleted:
        if isinstance(obj, Observation) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Walk) and obj.id is not None:
            walk_ids.add(obj.id)
        elif isinstance(obj, Area) and obj.id is not None:
            area_ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Observation) and obj.id is not None:
            if any(_changed(obj, name) for name in tracked):
                ids.add(obj.id)
        elif isinstance(obj, Walk) and obj.id is not None and _changed(obj, "area_id"):
            walk_ids.add(obj.id)
    if walk_ids or area_ids:
        connection = session.connection()
        query = select(Observation.id).where(
            Observation.walk_id.in_(sorted(walk_ids))
            | Observation.area_id.in_(sorted(area_ids))
            | Observation.walk_id.in_(select(Walk.id).where(Walk.area_id.in_(sorted(area_ids))))
        )
        ids.update(connection.scalars(query))
    return ids


def _changed(obj, name: str) -> bool:
    history = inspect(obj).attrs[name].history
    return bool(history.added or history.deleted)


_PENDING = "observation_summary_pending"


def _inserted_state(session: Session, obs: Observation) -> tuple | None:
    """(created_at, category, safety, area) of a just-inserted observation as _state_query
    would read it, from memory; None when a value is not known without a SELECT."""
    values = inserted_values(obs, ("created_at", "category", "safety", "area_id", "walk_id"))
    if values is None:
        return None
    created, category, safety, area_id, walk_id = values
    if area_id is None and walk_id is not None:
        walk = obs.__dict__.get("walk")
        if walk is None or walk.__dict__.get("id") != walk_id:
            walk = session.identity_map.get(session.identity_key(Walk, walk_id))
        if walk is None or "area_id" not in walk.__dict__:
            return None
        area_id = walk.__dict__["area_id"]
    # Exactly the types the database hands back, else let the database say what it stored.
    if not (
        isinstance(created, datetime)
        and created.tzinfo is not None
        and isinstance(category, str)
        and (safety is None or type(safety) is int)
        and (area_id is None or type(area_id) is int)
    ):
        return None
    return created, category, safety, area_id


def _cascading_deletes(session: Session) -> bool:
    """Whether this flush deletes a walk or an area: the database's cascades (ON DELETE
    CASCADE / SET NULL) may then change a new observation after the ORM inserted it."""
    return any(isinstance(obj, Walk | Area) for obj in session.deleted)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if not session.info.get("observation_summary", True):
        return
    ids = affected_observation_ids(session)
    new = [o for o in session.new if isinstance(o, Observation)]
    if not ids and not new:
        return
    deltas = new_deltas()
    if ids:
        _read(session.connection(), deltas, ids, -1)
    pending = (ids, new, _cascading_deletes(session), deltas)
    session.info.setdefault(_PENDING, []).append(pending)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    for ids, new, cascades, deltas in session.info.pop(_PENDING, []):
        after = set(ids)
        known = []
        for obs in new:
            if obs.id is None:
                continue
            state = None if cascades else _inserted_state(session, obs)
            if state is None:
                after.add(obs.id)
            else:
                known.append(state)
        add_rows(deltas, known, +1)
        connection = session.connection()
        _read(connection, deltas, after, +1)
        apply_deltas(connection, deltas)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    # A flush that failed half-way must not leave its deltas for the next one.
    session.info.pop(_PENDING, None)


def rebuild(session: Session) -> int:
    """Recount every summary row from the observations; returns the rows written."""
    connection = session.connection()
    connection.execute(ObservationMonth.__table__.delete())
    deltas = new_deltas()
    query = _state_query().execution_options(yield_per=5000)
    add_rows(deltas, connection.execute(query), +1)
    apply_deltas(connection, deltas)
    return len(deltas)


# --- Reading -----------------------------------------------------------------------------


def month_start(year: int, month: int) -> datetime:
    return datetime.combine(date(year, month, 1), time.min, ZONE)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_split(
    start: datetime | None, end: datetime | None
) -> tuple[tuple[int, int] | None, list[tuple[datetime | None, datetime | None]]]:
    """Split [start, end) into whole Copenhagen months (yyyymm first, yyyymm after last) the
    summary answers, and at most two raw ranges at the edges; (None, [(start, end)]) when no
    whole month fits. None for start or end means unbounded (then everything is summary on
    that side)."""
    if start is None:
        first = None
    else:
        local = start.astimezone(ZONE)
        y, m = local.year, local.month
        if month_start(y, m) < start:
            y, m = _next_month(y, m)
        first = (y, m)
    if end is None:
        last = None
    else:
        local = end.astimezone(ZONE)
        last = (local.year, local.month)
    if first is not None and last is not None and first >= last:
        return None, [(start, end)]
    raw = []
    if first is not None and start < month_start(*first):
        raw.append((start, month_start(*first)))
    if last is not None and month_start(*last) < end:
        raw.append((month_start(*last), end))
    lo = first[0] * 100 + first[1] if first else 0
    hi = last[0] * 100 + last[1] if last else 999999
    return (lo, hi), raw


def summary_query(columns, area_id: int | None, months: tuple[int, int]):
    """SELECT `columns` of ObservationMonth for an area (None: all) and [lo, hi) months."""
    query = select(*columns).where(
        ObservationMonth.month >= months[0], ObservationMonth.month < months[1]
    )
    if area_id is not None:
        query = query.where(ObservationMonth.area_key == area_id)
    return query
