"""A walk and the people who join it."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.db import Base, TimestampMixin


def new_join_token() -> str:
    # 128 bits: the join link is the only key to a walk for people without an account.
    return secrets.token_urlsafe(16)


class Walk(TimestampMixin, Base):
    __tablename__ = "walk"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    place_name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    meeting_point: Mapped[str] = mapped_column(String(200), default="")
    meeting_lat: Mapped[float | None]
    meeting_lon: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text, default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    join_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_join_token)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    # The organising organisation, and optionally the person in it who answers for the walk.
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administration.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    administration = relationship("Administration")
    owner = relationship("User", foreign_keys=[owner_id])
    participants: Mapped[list[Participant]] = relationship(
        back_populates="walk", cascade="all, delete-orphan"
    )

    @property
    def accepts_observations(self) -> bool:
        return self.status != "closed"


class Participant(TimestampMixin, Base):
    """Someone who joined by QR code: a role, an optional display name and, with consent, an
    e-mail address for the follow-up report; nothing more."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walk.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(String(60))
    # Only for the walk's follow-up report, and only with consent; deleted with the participant.
    email: Mapped[str | None] = mapped_column(String(254))
    email_consent: Mapped[bool] = mapped_column(default=False)
    # The language they joined in, so the report's e-mail is in it too.
    locale: Mapped[str | None] = mapped_column(String(8))

    walk: Mapped[Walk] = relationship(back_populates="participants")
