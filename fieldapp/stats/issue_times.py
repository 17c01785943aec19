"""Each issue's resolution times, stored on the issue and kept in step with its status events.

Why: the share of issues resolved within N days (a success criterion) and the time from
forwarding to resolution (the analyses page) asked for the last "resolved" and "forwarded"
event of every issue on each request: a GROUP BY over all status events, seconds at 200,000
issues. Stored on the issue, both are an index range read.

What is stored (None when the event is missing):
- resolved_at / forwarded_at: the time of the issue's last status event to "resolved" /
  "forwarded" (whatever its status is now; the readers check the status as before);
- resolve_us: microseconds from the issue's creation to resolved_at;
- handling_us: microseconds from forwarded_at to resolved_at.
Whole microseconds, so "within N days" is an exact integer comparison on both engines.

How it stays correct: on every flush that adds, changes or deletes an issue event or changes
an issue's creation time, the affected issues are recomputed from the database after the flush,
in the same transaction (so events written in any way through the session count). Bulk UPDATE
or DELETE statements on events through the session are followed the same way. SQL sent past
the ORM is not: `flask stats-summary` (rebuild) recomputes every issue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, event, func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.triage.models import Issue, IssueEvent

CHUNK = 500
STORED = ("resolved_at", "forwarded_at", "resolve_us", "handling_us")
EVENT_TRACKED = ("issue_id", "kind", "to_status", "at")
MICROSECOND = timedelta(microseconds=1)
_PENDING = "issue_times_pending"


def last_event(to_status: str):
    """SQL: the time of the issue's last status event to `to_status` (correlated)."""
    return (
        select(func.max(IssueEvent.at))
        .where(
            IssueEvent.issue_id == Issue.id,
            IssueEvent.kind == "status",
            IssueEvent.to_status == to_status,
        )
        .correlate(Issue)
        .scalar_subquery()
    )


def times(created: datetime, resolved: datetime | None, forwarded: datetime | None) -> dict:
    """The stored values for one issue."""
    return {
        "resolved_at": resolved,
        "forwarded_at": forwarded,
        "resolve_us": (resolved - created) // MICROSECOND if resolved else None,
        "handling_us": (resolved - forwarded) // MICROSECOND if resolved and forwarded else None,
    }


def _write(connection, session: Session | None, rows) -> None:
    table = Issue.__table__
    params = []
    for issue_id, created, resolved, forwarded in rows:
        values = times(created, resolved, forwarded)
        params.append({"b_id": issue_id, **{f"b_{k}": v for k, v in values.items()}})
        if session is not None:
            # Loaded issues see the stored values without a reload.
            obj = session.identity_map.get((Issue, (issue_id,), None))
            if obj is not None:
                for name, value in values.items():
                    set_committed_value(obj, name, value)
    if params:
        stmt = (
            table.update()
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in STORED})
        )
        connection.execute(stmt, params)


def refresh(connection, ids, session: Session | None = None) -> None:
    """Recompute the stored times of the issues with these ids from their events."""
    ordered = sorted(i for i in ids if i is not None)
    for i in range(0, len(ordered), CHUNK):
        query = select(
            Issue.id, Issue.created_at, last_event("resolved"), last_event("forwarded")
        ).where(Issue.id.in_(ordered[i : i + CHUNK]))
        _write(connection, session, connection.execute(query).all())


def _changed(obj, names) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.added or attrs[n].history.deleted for n in names)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    ids: set[int] = set()
    new_events = []
    for obj in session.new:
        if isinstance(obj, IssueEvent):
            new_events.append(obj)
    for obj in session.dirty:
        if isinstance(obj, IssueEvent) and _changed(obj, EVENT_TRACKED):
            history = inspect(obj).attrs.issue_id.history
            ids.update(v for v in (*history.deleted, *history.unchanged) if v is not None)
            new_events.append(obj)
        elif isinstance(obj, Issue) and obj.id is not None and _changed(obj, ("created_at",)):
            ids.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, IssueEvent) and obj.issue_id is not None:
            ids.add(obj.issue_id)
    if ids or new_events:
        session.info.setdefault(_PENDING, []).append((ids, new_events))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, [])
    ids: set[int] = set()
    for known, new_events in pending:
        ids |= known
        ids.update(e.issue_id for e in new_events)
    if ids:
        refresh(session.connection(), ids, session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state):
    """UPDATE/DELETE statements on issue events: the issues they touched, before and after."""
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if not (state.is_update or state.is_delete) or model is not IssueEvent:
        return None
    connection = state.session.connection()
    where = state.statement.whereclause
    rows = select(IssueEvent.issue_id)
    ids = set(connection.scalars(rows if where is None else rows.where(where)))
    result = state.invoke_statement()
    if state.is_update:
        ids.update(connection.scalars(rows if where is None else rows.where(where)))
    refresh(connection, ids, state.session)
    return result


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)


def rebuild(connection) -> int:
    """Recompute every issue's stored times (after SQL that bypassed the app); returns how many
    issues have a resolution."""
    table = Issue.__table__
    connection.execute(
        table.update().values(
            resolved_at=last_event("resolved"),
            forwarded_at=last_event("forwarded"),
            resolve_us=None,
            handling_us=None,
        )
    )
    query = select(Issue.id, Issue.created_at, Issue.resolved_at, Issue.forwarded_at).where(
        Issue.resolved_at.is_not(None)
    )
    rows = connection.execute(query).all()
    for i in range(0, len(rows), 5000):
        _write(connection, None, rows[i : i + 5000])
    return len(rows)
