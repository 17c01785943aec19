from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.db import Base, TimestampMixin
from fieldapp.orgs.models import Administration
from fieldapp.taxonomy import N_

ACTION_STATUSES: tuple[tuple[str, str], ...] = (
    ("open", N_("Not started")),
    ("in_progress", N_("In progress")),
    ("done", N_("Done")),
    ("cancelled", N_("Cancelled")),
)
ACTION_STATUS_LABELS = dict(ACTION_STATUSES)


class ActionItem(TimestampMixin, Base):
    """One thing somebody has promised to do, by a date; owned by an administration."""

    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_area_status", "area_id", "status"),
        Index("ix_action_item_owner_status", "owner_id", "status"),
        Index("ix_action_item_admin_status", "administration_id", "status"),
        Index("ix_action_item_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="SET NULL"), index=True
    )
    issue_id: Mapped[int | None] = mapped_column(
        ForeignKey("issue.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administration.id", ondelete="SET NULL"), index=True
    )
    responsible_person: Mapped[str] = mapped_column(String(120), default="")
    deadline: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    completed_at: Mapped[datetime | None]
    # Counts towards "safety initiatives per year" criteria (e.g. a walk, an information meeting).
    is_initiative: Mapped[bool] = mapped_column(default=False)
    # A named user in the administration; None = the administration's unassigned queue.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    administration: Mapped[Administration | None] = relationship()
    owner = relationship("User", foreign_keys=[owner_id])
