"""Writing to the audit log. Callers commit, so an entry joins the change it records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.audit.models import AuditEntry


def record(
    session: Session,
    user: Any,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    detail: str | dict | None = None,
) -> AuditEntry:
    """Add one entry; `user` is a User, None (the system, e.g. a CLI job) or an anonymous user."""
    user_id = getattr(user, "id", None)
    email = getattr(user, "email", "") or ""
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        user_id=user_id if isinstance(user_id, int) else None,
        user_email=email,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or "",
    )
    session.add(entry)
    return entry


def entries_for(session: Session, object_type: str, object_id: int) -> list[AuditEntry]:
    """The trail of one object, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
            .order_by(AuditEntry.id)
        )
    )


@dataclass(frozen=True)
class LogFilter:
    """What the admin's log page filters on; every field optional."""

    user: str = ""  # part of the acting user's e-mail
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC

    def where(self) -> list:
        clauses = []
        if self.user:
            escaped = self.user.lower().replace("\\", "\\\\")
            escaped = escaped.replace("%", "\\%").replace("_", "\\_")
            clauses.append(func.lower(AuditEntry.user_email).like(f"%{escaped}%", escape="\\"))
        if self.action:
            clauses.append(AuditEntry.action == self.action)
        if self.object_type:
            clauses.append(AuditEntry.object_type == self.object_type)
        if self.object_id is not None:
            clauses.append(AuditEntry.object_id == self.object_id)
        if self.since is not None:
            clauses.append(AuditEntry.at >= self.since)
        if self.until is not None:
            clauses.append(AuditEntry.at < self.until)
        return clauses


def page(
    session: Session, log_filter: LogFilter, before_id: int | None = None, size: int = 50
) -> tuple[list[AuditEntry], int | None]:
    """Newest first, keyset-paged by id: (entries, the `before_id` of the next page or None)."""
    query = select(AuditEntry).where(*log_filter.where())
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].id if more else None


def iter_entries(
    session: Session, log_filter: LogFilter, batch: int = 1000
) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in keyset batches (for the CSV export)."""
    before_id = None
    while True:
        rows, before_id = page(session, log_filter, before_id, batch)
        yield from rows
        if before_id is None:
            return


def last_entry(session: Session, action: str) -> AuditEntry | None:
    """The newest entry of one action (served by the action index), e.g. the last retention run."""
    return session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == action)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def known_actions(session: Session) -> list[str]:
    """The actions that occur, for the filter's choices (served by the action index)."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
