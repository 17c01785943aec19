"""The photo job queue: one row per uploaded photo still to be turned into its renditions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from fieldapp.capture.models import Photo
from fieldapp.db import Base, utcnow


class PhotoJob(Base):
    """Written in the same transaction as its Photo, so a committed upload is never forgotten.

    The worker (media/jobs.py) deletes the row when the photo is ready; a job that keeps
    failing stays with status "failed" and its error, like an outbox message.
    """

    __tablename__ = "photo_job"
    __table_args__ = (Index("ix_photo_job_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), unique=True)
    # The unprocessed, unblurred upload in storage (see storage.raw_name); never served.
    raw_name: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")

    photo: Mapped[Photo] = relationship(
        # Not passive: the ORM deletes a photo's job itself, so the session never holds a job
        # whose row the database's cascade has already removed.
        backref=backref("job", uselist=False, cascade="all, delete-orphan")
    )
