"""What the triage list filters issues by, stored on the issue and kept in step on every flush:
when its first and last observation was made (first_observed_at, last_observed_at) and its
area (area_id).

With them the list filtered by an observation date or an area reads issue rows in index order,
instead of testing every issue's observations (EXISTS) or position (polygon) until a page is
full: at 200k issues that was 0.3–0.9 s a page on SQLite (bench/RESULTS.md, session 4).

The area follows the rule of fieldapp/areas/assign.py (the issue's walk's area, else that of
its first observation's walk, else the smallest area around its position; an issue with none
of these keeps the area it was given); assign.py also recomputes it when areas are drawn,
redrawn or deleted, and when a walk's area changes. The issue list, the dashboards
(stats/counts.py) and exports all take an issue's area to be this one stored area.

How it stays correct, as in triage/map_summary.py: on a flush that changes which observations
an issue has (an observation created in, moved into or out of, or deleted from an issue, or
its time or walk changed) or an issue's walk or position, the affected issues are collected
before the flush (from the database, so values not loaded are not missed) and recomputed after
it with set-based SQL in the same transaction. UPDATE/DELETE statements on observations or
walks through the session (a merge moves observations with one) are wrapped the same way.
SQL sent past the ORM bypasses this; `refresh` recomputes every issue (migration 0019 does
the same in SQL).
"""

from __future__ import annotations

from sqlalchemy import event, func, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.areas.assign import area_for_point, issue_area_rows
from fieldapp.capture.models import Observation
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk

OBS_TRACKED = ("issue_id", "created_at", "walk_id")
ISSUE_TRACKED = ("walk_id", "lat", "lon")
STORED = ("first_observed_at", "last_observed_at", "area_id")
CHUNK = 500
_PENDING = "issue_spans_pending"


def _changed(obj, names) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.added or attrs[n].history.deleted for n in names)


def _chunks(ids: set[int]):
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _issues_of_observations(connection, obs_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(obs_ids):
        query = select(Observation.issue_id).where(
            Observation.id.in_(chunk), Observation.issue_id.is_not(None)
        )
        found.update(connection.scalars(query))
    return found


def _issues_on_walks(connection, walk_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(walk_ids):
        query = select(Issue.id).where(
            or_(
                Issue.walk_id.in_(chunk),
                Issue.id.in_(
                    select(Observation.issue_id).where(
                        Observation.walk_id.in_(chunk), Observation.issue_id.is_not(None)
                    )
                ),
            )
        )
        found.update(connection.scalars(query))
    return found


def _area_rows(ids: list[int]):
    """(id, area_id, lat, lon, preferred area) of these issues, as area assignment reads them."""
    return issue_area_rows().where(Issue.id.in_(ids))


def recompute(session: Session, issue_ids: set[int]) -> None:
    """Recompute the stored span and area of these issues in the session's transaction, and
    give the issue objects the session holds the new values (without marking them dirty)."""
    if not issue_ids:
        return
    connection = session.connection()
    table = Issue.__table__
    obs = Observation.__table__
    for chunk in _chunks(issue_ids):
        span = select(func.min(obs.c.created_at)).where(obs.c.issue_id == table.c.id)
        last = select(func.max(obs.c.created_at)).where(obs.c.issue_id == table.c.id)
        connection.execute(
            table.update()
            .where(table.c.id.in_(chunk))
            .values(
                first_observed_at=span.scalar_subquery(),
                last_observed_at=last.scalar_subquery(),
                # Derived facts: not an edit of the issue (and no onupdate for updated_at).
                updated_at=table.c.updated_at,
            )
        )
        with session.no_autoflush:
            for issue_id, current, lat, lon, preferred in connection.execute(_area_rows(chunk)):
                if preferred is not None:
                    new = preferred
                elif lat is None or lon is None:
                    new = current  # nothing to locate it by: it keeps the area it was given
                else:
                    new = area_for_point(session, lat, lon)
                if new != current:
                    connection.execute(
                        table.update()
                        .where(table.c.id == issue_id)
                        .values(area_id=new, updated_at=table.c.updated_at)
                    )
        wanted = set(chunk)
        held = {
            key[1][0]: obj
            for key, obj in session.identity_map.items()
            if isinstance(obj, Issue) and key[1][0] in wanted
        }
        if held:
            query = select(table.c.id, *(table.c[name] for name in STORED)).where(
                table.c.id.in_(sorted(held))
            )
            for row in connection.execute(query):
                obj = held[row[0]]
                for name, value in zip(STORED, row[1:], strict=True):
                    set_committed_value(obj, name, value)


def refresh(session: Session) -> int:
    """Recompute every issue (after SQL sent past the ORM); returns how many were read."""
    ids = set(session.scalars(select(Issue.id)))
    recompute(session, ids)
    return len(ids)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    issue_ids: set[int] = set()
    obs_ids: set[int] = set()
    walk_ids: set[int] = set()
    for obj in session.deleted:
        if isinstance(obj, Observation) and obj.id is not None:
            obs_ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Observation) and obj.id is not None and _changed(obj, OBS_TRACKED):
            obs_ids.add(obj.id)
        elif isinstance(obj, Issue) and obj.id is not None and _changed(obj, ISSUE_TRACKED):
            issue_ids.add(obj.id)
        elif isinstance(obj, Walk) and obj.id is not None and _changed(obj, ("area_id",)):
            walk_ids.add(obj.id)
    new = [o for o in session.new if isinstance(o, Observation)]
    if not (issue_ids or obs_ids or walk_ids or new):
        return
    if obs_ids or walk_ids:
        connection = session.connection()
        issue_ids |= _issues_of_observations(connection, obs_ids)
        issue_ids |= _issues_on_walks(connection, walk_ids)
    session.info.setdefault(_PENDING, []).append((issue_ids, obs_ids, walk_ids, new))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    affected: set[int] = set()
    connection = session.connection()
    for issue_ids, obs_ids, walk_ids, new in pending:
        affected |= issue_ids
        affected |= _issues_of_observations(connection, obs_ids)
        affected |= _issues_on_walks(connection, walk_ids)
        # A new issue keeps the area it was created with (create_issue applies the rule);
        # its observations, new or moved in, bring it here.
        affected.update(o.issue_id for o in new if o.issue_id is not None)
    recompute(session, affected)


def _touched_columns(statement) -> set[str] | None:
    """Column names an UPDATE sets; None when they cannot be told (treated as all)."""
    values = getattr(statement, "_values", None) or getattr(statement, "_ordered_values", None)
    if not values:
        return None
    pairs = values.items() if isinstance(values, dict) else values
    return {getattr(key, "key", key) for key, _value in pairs}


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """UPDATE/DELETE statements on observations (merge moves them with one) and UPDATEs of
    walks (deleting an area takes it from its walks with one): the issues they touch, read
    before and after the statement, are recomputed after it."""
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if model is Observation and not (state.is_update or state.is_delete):
        return None
    if model is Walk and not state.is_update:
        return None  # the app never deletes walks
    if model not in (Observation, Walk):
        return None
    if state.is_update:
        touched = _touched_columns(state.statement)
        tracked = OBS_TRACKED if model is Observation else ("area_id",)
        if touched is not None and not touched & set(tracked):
            return None
    where = state.statement.whereclause
    if where is None:
        return None  # a statement over every row: `refresh` is the tool for that
    connection = state.session.connection()
    ids = set(connection.scalars(select(model.id).where(where)))
    before = (
        _issues_of_observations(connection, ids)
        if model is Observation
        else _issues_on_walks(connection, ids)
    )
    result = state.invoke_statement()
    after = (
        _issues_of_observations(connection, ids)
        if model is Observation
        else _issues_on_walks(connection, ids)
    )
    recompute(state.session, before | after)
    return result


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)
