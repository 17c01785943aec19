"""One listener for ORM bulk UPDATE/DELETE statements on observations and walks (areas.assign
moving observations into a new area, retention, a walk's area changed with one statement): it
reads the ids of the observations the statement may change once, the state of those rows once
before and once after the statement, and hands both reads to every per-observation summary,
so a statement costs one id SELECT and two reads however many summaries there are.

Each summary keeps its own delta logic; it is a module with `state_columns()` (the SQL it reads
per observation, with the observation's walk outer-joined), `new_deltas()`, `add_rows(deltas,
rows, sign)` and `apply_deltas(connection, deltas)`. Flushes are each summary's own business
(before_flush/after_flush in its module); so are statements on other tables (the map's issues).
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.stats import place_summary, summary
from fieldapp.triage import map_summary
from fieldapp.walks.models import Walk

SUMMARIES = (summary, place_summary, map_summary)
CHUNK = 500


def bulk_statement_observation_ids(state) -> set[int] | None:
    """For an UPDATE or DELETE statement on observations or walks (a do_orm_execute state),
    the ids of the observations it may change, read before it runs; None for any other
    statement."""
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if not (state.is_update or state.is_delete) or model not in (Observation, Walk):
        return None
    where = state.statement.whereclause
    rows = select(model.id) if where is None else select(model.id).where(where)
    if model is Walk:
        rows = select(Observation.id).where(Observation.walk_id.in_(rows))
    return set(state.session.connection().scalars(rows))


def _layout() -> tuple[list, list[slice]]:
    """Every summary's columns in one SELECT, and the slice of a row each summary reads."""
    columns: list = []
    slices = []
    for module in SUMMARIES:
        own = module.state_columns()
        slices.append(slice(len(columns), len(columns) + len(own)))
        columns.extend(own)
    return columns, slices


def _read(connection, ids: set[int], deltas: list, sign: int) -> None:
    columns, slices = _layout()
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        query = (
            select(*columns)
            .select_from(Observation)
            .outerjoin(Walk, Walk.id == Observation.walk_id)
            .where(Observation.id.in_(ordered[i : i + CHUNK]))
        )
        rows = connection.execute(query).all()
        for module, part, own in zip(SUMMARIES, slices, deltas, strict=True):
            module.add_rows(own, [row[part] for row in rows], sign)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """The observations' state subtracted before the statement and added after it, in every
    summary, in the statement's transaction."""
    ids = bulk_statement_observation_ids(state)
    if ids is None:
        return None
    connection = state.session.connection()
    deltas = [module.new_deltas() for module in SUMMARIES]
    _read(connection, ids, deltas, -1)
    result = state.invoke_statement()
    _read(connection, ids, deltas, +1)
    for module, own in zip(SUMMARIES, deltas, strict=True):
        module.apply_deltas(connection, own)
    return result
