"""A local group that reviews an area's findings, and its members.

Members are listed for invitations and minutes; contact details only with consent, and the
target group (socially vulnerable users of a place) is represented by organisations, never
described as individuals.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.areas.models import Area
from fieldapp.db import Base, TimestampMixin
from fieldapp.taxonomy import N_

MEMBER_ROLES: tuple[tuple[str, str], ...] = (
    ("resident", N_("Resident")),
    ("business", N_("Business")),
    ("place_users", N_("Users of the place (their organisation)")),
    ("administration", N_("Administration")),
    ("police", N_("Police")),
    ("housing", N_("Housing association")),
    ("volunteer", N_("Volunteer organisation")),
    ("other", N_("Other")),
)
MEMBER_ROLE_LABELS = dict(MEMBER_ROLES)


class LocalGroup(TimestampMixin, Base):
    __tablename__ = "local_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")

    area: Mapped[Area | None] = relationship()
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.name"
    )


class GroupMember(TimestampMixin, Base):
    __tablename__ = "group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("local_group.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default="resident")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Only with the member's consent; used for invitations and minutes, nothing else.
    email: Mapped[str | None] = mapped_column(String(254))
    contact_consent: Mapped[bool] = mapped_column(default=False)

    group: Mapped[LocalGroup] = relationship(back_populates="members")
