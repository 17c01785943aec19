"""Counts per coarse map cell (10 × 10 grid cells, ~1 km) for the zoomed-out triage map: loose
observations by category, issues by status and category, kept in step on every flush.

A city-wide map of half a million loose observations would otherwise GROUP BY all of them on
every pan. The zoomed-out clusters (map_queries.clusters) add up these rows instead when the
filters are ones the table keeps (kind, status, category); any other filter counts the rows.

Kept correct like stats/summary.py: on each flush the affected observations and issues are
read from the database before and after, and the difference is added in the same transaction;
an issue's deletion lets the database set its observations' issue to NULL, and a walk's
deletion lets it delete the walk's observations, so they are read again too. A new observation
or issue is counted from the object itself (its category, status, issue and grid cell are known
once it is inserted), unless a value is not known in memory or the flush deletes an issue or a
walk. Bulk UPDATE/DELETE statements on issues are read around here; those on observations and
walks by the listener the observation summaries share (stats/observation_changes.py).
`rebuild` (migration 0017, `flask stats-summary`) recounts from scratch in SQL.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Integer, event, func, insert, inspect, literal, literal_column, select, true
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.db import inserted_values, upsert_add
from fieldapp.triage.models import Issue, MapCell
from fieldapp.walks.models import Walk

COARSE = 10  # grid cells per map_cell side
OBS_TRACKED = ("issue_id", "category", "lat", "lon")
ISSUE_TRACKED = ("status", "category", "lat", "lon")
CHUNK = 500
KEYS = ["kind", "status", "category", "cy", "cx"]
_PENDING = "map_summary_pending"


def _changed(obj, names) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.added or attrs[n].history.deleted for n in names)


def _read(connection, deltas, obs_ids: set[int], issue_ids: set[int], sign: int) -> None:
    for model, ids in ((Observation, sorted(obs_ids)), (Issue, sorted(issue_ids))):
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            if model is Observation:
                query = select(
                    literal(""), Observation.category, Observation.grid_y, Observation.grid_x
                ).where(Observation.id.in_(chunk), Observation.issue_id.is_(None))
                kind = "o"
            else:
                query = select(Issue.status, Issue.category, Issue.grid_y, Issue.grid_x).where(
                    Issue.id.in_(chunk)
                )
                kind = "i"
            for status, category, gy, gx in connection.execute(query):
                _count(deltas, kind, status, category, gy, gx, sign)


def new_deltas() -> dict:
    return defaultdict(lambda: [0, 0, 0])


def state_columns() -> tuple:
    """What the loose observations' counts read of an observation."""
    return Observation.issue_id, Observation.category, Observation.grid_y, Observation.grid_x


def add_rows(deltas, rows, sign: int) -> None:
    """Count `rows` of state_columns(); an observation in an issue is counted as the issue."""
    for issue_id, category, gy, gx in rows:
        if issue_id is None:
            _count(deltas, "o", "", category, gy, gx, sign)


def _count(deltas, kind: str, status: str, category: str, gy, gx, sign: int) -> None:
    if gy is None or gx is None:
        return
    entry = deltas[(kind, status, category, gy // COARSE, gx // COARSE)]
    entry[0] += sign
    entry[1] += sign * gy
    entry[2] += sign * gx


def _add_inserted(deltas, obj) -> bool:
    """Count a just-inserted observation or issue from memory, as _read would from the
    database; False (nothing counted) when a value is not known without a SELECT."""
    if isinstance(obj, Observation):
        values = inserted_values(obj, ("issue_id", "category", "grid_y", "grid_x"))
        if values is None:
            return False
        issue_id, category, gy, gx = values
        if issue_id is not None:
            # In an issue: not a loose observation, nothing to count (when it is a real id).
            return type(issue_id) is int
        kind, status = "o", ""
    else:
        values = inserted_values(obj, ("status", "category", "grid_y", "grid_x"))
        if values is None:
            return False
        status, category, gy, gx = values
        kind = "i"
    if not (
        isinstance(status, str)
        and isinstance(category, str)
        and all(v is None or type(v) is int for v in (gy, gx))
    ):
        return False
    _count(deltas, kind, status, category, gy, gx, +1)
    return True


def apply_deltas(connection, deltas) -> None:
    rows = [
        dict(zip(KEYS, k, strict=True)) | {"count": v[0], "sum_y": v[1], "sum_x": v[2]}
        for k, v in deltas.items()
        if any(v)
    ]
    upsert_add(connection, MapCell.__table__, KEYS, rows)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    obs_ids: set[int] = set()
    issue_ids: set[int] = set()
    gone_issues: list[int] = []
    gone_walks: list[int] = []
    for obj in session.deleted:
        if isinstance(obj, Observation) and obj.id is not None:
            obs_ids.add(obj.id)
        elif isinstance(obj, Issue) and obj.id is not None:
            issue_ids.add(obj.id)
            gone_issues.append(obj.id)
        elif isinstance(obj, Walk) and obj.id is not None:
            gone_walks.append(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Observation) and obj.id is not None and _changed(obj, OBS_TRACKED):
            obs_ids.add(obj.id)
        elif isinstance(obj, Issue) and obj.id is not None and _changed(obj, ISSUE_TRACKED):
            issue_ids.add(obj.id)
    new = [o for o in session.new if isinstance(o, Observation | Issue)]
    if not (obs_ids or issue_ids or new or gone_walks):
        return
    connection = session.connection()
    if gone_issues:
        query = select(Observation.id).where(Observation.issue_id.in_(gone_issues))
        obs_ids.update(connection.scalars(query))
    if gone_walks:
        # The database deletes a deleted walk's observations (ON DELETE CASCADE).
        query = select(Observation.id).where(Observation.walk_id.in_(gone_walks))
        obs_ids.update(connection.scalars(query))
    deltas = new_deltas()
    _read(connection, deltas, obs_ids, issue_ids, -1)
    # The database's cascades may change new rows too: then they are read back as well.
    pending = (obs_ids, issue_ids, new, bool(gone_issues or gone_walks), deltas)
    session.info.setdefault(_PENDING, []).append(pending)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    for obs_ids, issue_ids, new, cascades, deltas in session.info.pop(_PENDING, []):
        obs_after, issues_after = set(obs_ids), set(issue_ids)
        for obj in new:
            if obj.id is None or (not cascades and _add_inserted(deltas, obj)):
                continue
            (obs_after if isinstance(obj, Observation) else issues_after).add(obj.id)
        connection = session.connection()
        _read(connection, deltas, obs_after, issues_after, +1)
        apply_deltas(connection, deltas)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """UPDATE/DELETE statements on issues (a deleted issue's observations become loose): the
    same before/after reads around the statement. Those on observations (a merge moves them
    with one) and walks go through stats/observation_changes.py."""
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if not (state.is_update or state.is_delete) or model is not Issue:
        return None
    connection = state.session.connection()
    where = state.statement.whereclause
    rows = select(Issue.id) if where is None else select(Issue.id).where(where)
    issue_ids = set(connection.scalars(rows))
    obs_ids: set[int] = set()
    if state.is_delete and issue_ids:
        query = select(Observation.id).where(Observation.issue_id.in_(sorted(issue_ids)))
        obs_ids = set(connection.scalars(query))
    deltas = new_deltas()
    _read(connection, deltas, obs_ids, issue_ids, -1)
    result = state.invoke_statement()
    _read(connection, deltas, obs_ids, issue_ids, +1)
    apply_deltas(connection, deltas)
    return result


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)


def rebuild(connection) -> None:
    """Recount every map cell from the observations and issues (two INSERT … SELECT)."""
    table = MapCell.__table__
    connection.execute(table.delete())
    cols = ["kind", "status", "category", "cy", "cx", "count", "sum_y", "sum_x"]
    # Integer division of non-negative whole numbers is a floor on both engines.
    for kind, model in (("o", Observation), ("i", Issue)):
        # Inline constants: PostgreSQL matches GROUP BY to the SELECT only for identical text.
        cy = model.grid_y // literal_column(str(COARSE), Integer)
        cx = model.grid_x // literal_column(str(COARSE), Integer)
        status = Issue.status if model is Issue else literal_column("''")
        groups = [Issue.status] if model is Issue else []
        where = Observation.issue_id.is_(None) if model is Observation else true()
        query = (
            select(
                literal_column(f"'{kind}'"),
                status,
                model.category,
                cy,
                cx,
                func.count(),
                func.sum(model.grid_y),
                func.sum(model.grid_x),
            )
            .where(where, model.grid_y.is_not(None), model.grid_x.is_not(None))
            .group_by(*groups, model.category, cy, cx)
        )
        connection.execute(insert(table).from_select(cols, query))
