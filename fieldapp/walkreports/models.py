"""A walk's follow-up report: the coordinator's introduction, chosen photos, who was mailed."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.db import Base, TimestampMixin
from fieldapp.walks.models import Walk


def new_report_token() -> str:
    # 192 bits: the link is the only key to the report for people without an account.
    return secrets.token_urlsafe(24)


class WalkReport(TimestampMixin, Base):
    """One per walk; a draft until first published, then public behind `token`."""

    __tablename__ = "walk_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walk.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_report_token)
    introduction: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    # The latest publication; equal to published_at until the report is updated.
    republished_at: Mapped[datetime | None]

    walk: Mapped[Walk] = relationship()
    photos: Mapped[list[WalkReportPhoto]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def photo_ids(self) -> set[int]:
        return {p.photo_id for p in self.photos}


class WalkReportPhoto(Base):
    """A photo the coordinator chose to show in the report."""

    __tablename__ = "walk_report_photo"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("walk_report.id", ondelete="CASCADE"), primary_key=True
    )
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    report: Mapped[WalkReport] = relationship(back_populates="photos")


class WalkReportMailing(Base):
    """When a recipient was last mailed this report, for the once-a-week limit.

    Keyed by a hash of the address, not the address: the address itself stays only on the
    participant or observation, and is deleted with it.
    """

    __tablename__ = "walk_report_mailing"
    __table_args__ = (UniqueConstraint("report_id", "address_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("walk_report.id", ondelete="CASCADE"))
    address_key: Mapped[str] = mapped_column(String(64))
    last_sent_at: Mapped[datetime]
    # An update was published within the week: send it once the week is over.
    owed: Mapped[bool] = mapped_column(default=False)
