"""Writing to the audit log. Callers commit, so an entry joins the change it records."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
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
