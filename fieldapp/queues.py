"""What the two queue workers share (mail outbox: notify/worker.py, photos: media/jobs.py)."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session


def skip_locked(session: Session, query: Select) -> Select:
    """Lock the due row with FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers share a
    queue without taking the same item; SQLite has a single writer, so one worker is the setup
    there and the query stays as it is."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def describe_error(exc: BaseException) -> str:
    """The error as recorded on a failed attempt: its type, and its message when it has one."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
