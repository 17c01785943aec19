"""A request for a safety walk, made without an account and followed by a secret link."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from fieldapp.areas.models import Area
from fieldapp.db import Base, TimestampMixin
from fieldapp.walks.models import Walk


def new_request_token() -> str:
    # 192 bits: the tracking link is the requester's only key to their request.
    return secrets.token_urlsafe(24)


class WalkRequest(TimestampMixin, Base):
    __tablename__ = "walk_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_request_token)
    requester_kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    place_name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # An outline drawn instead of (or besides) the pin: a GeoJSON Polygon geometry, or "".
    outline: Mapped[str] = mapped_column(Text, default="")
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    season: Mapped[str] = mapped_column(String(10), default="any")
    time_of_day: Mapped[str] = mapped_column(String(10), default="any")
    # Stored only with consent; the language the request was made in is the mails' language.
    email: Mapped[str | None] = mapped_column(String(254))
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(5), default="da")
    # new → accepted | declined; "walked" is read from the linked walk, not stored.
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk.id", ondelete="SET NULL"), index=True
    )
    # The walk's follow-up report, once published (set by notify_report_published).
    report_url: Mapped[str] = mapped_column(String(500), default="")

    area: Mapped[Area | None] = relationship()
    # A backref keeps the walks package unaware of requests; its detail page reads it.
    walk: Mapped[Walk | None] = relationship(
        backref=backref("walk_requests", order_by="WalkRequest.id")
    )
