"""A record of each weekly digest, so running the command twice in a week sends nothing new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base, utcnow


class DigestSent(Base):
    """One row per recipient and ISO week, written in the transaction that queues the mail.

    `recipient` is "user:<id>" or "org:<id>:<address>", so a user whose e-mail changes and an
    organisation address shared by two organisations each still get exactly one digest.
    """

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("recipient", "week", name="uq_digest_sent_recipient_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(300))
    # ISO week, e.g. "2026-W48".
    week: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
