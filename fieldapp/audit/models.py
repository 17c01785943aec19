"""One row per staff action worth answering for later: views of personal data, handovers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.db import Base, utcnow


class AuditEntry(Base):
    """Append-only: rows are written once and never updated, so the log can be trusted.

    `object_type`/`object_id` name the thing acted on (e.g. "issue", 42) without a foreign key, so
    the entry outlives the object (an erased reporter's observation, a deleted user).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Kept beside user_id so the log still says who it was after the account is gone.
    user_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User")
