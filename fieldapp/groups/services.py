"""Local groups and members: listing with counts, saving, the consent rule for addresses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.db import utcnow
from fieldapp.groups.models import MEMBER_ROLE_LABELS, GroupMember, LocalGroup
from fieldapp.meetings.models import Meeting


@dataclass(frozen=True)
class GroupRow:
    group: LocalGroup
    members: int
    meetings: int
    next_meeting: Meeting | None


def list_groups(session: Session, now: datetime | None = None) -> list[GroupRow]:
    """Every group by name, with member and meeting counts and its next meeting."""
    now = now or utcnow()
    groups = session.scalars(
        select(LocalGroup)
        .options(selectinload(LocalGroup.area))
        .order_by(func.lower(LocalGroup.name), LocalGroup.id)
    ).all()
    members = dict(
        session.execute(
            select(GroupMember.group_id, func.count()).group_by(GroupMember.group_id)
        ).all()
    )
    meetings = dict(
        session.execute(select(Meeting.group_id, func.count()).group_by(Meeting.group_id)).all()
    )
    upcoming: dict[int, Meeting] = {}
    for meeting in session.scalars(
        select(Meeting)
        .where(Meeting.starts_at >= now, Meeting.status != "closed")
        .order_by(Meeting.starts_at.desc())
    ):
        upcoming[meeting.group_id] = meeting  # the last one written is the soonest
    return [
        GroupRow(g, members.get(g.id, 0), meetings.get(g.id, 0), upcoming.get(g.id)) for g in groups
    ]


def save_group(
    session: Session, group: LocalGroup | None, name: str, area_id: int | None, description: str
) -> LocalGroup:
    if group is None:
        group = LocalGroup()
        session.add(group)
    group.name = (name or "").strip()
    group.area_id = area_id
    group.description = (description or "").strip()
    session.flush()
    return group


def apply_member(member: GroupMember, data: dict) -> GroupMember:
    """Copy form data onto `member`; an address is kept only with the member's consent."""
    role = data.get("role") or "other"
    if role not in MEMBER_ROLE_LABELS:
        raise ValueError(f"unknown role {role!r}")
    member.name = (data.get("name") or "").strip()
    member.role = role
    member.organisation = (data.get("organisation") or "").strip()
    email = (data.get("email") or "").strip()
    consent = bool(data.get("contact_consent")) and bool(email)
    member.email = email if consent else None
    member.contact_consent = consent
    return member


def add_member(session: Session, group: LocalGroup, data: dict) -> GroupMember:
    member = apply_member(GroupMember(group=group), data)
    session.add(member)
    session.flush()
    return member


def group_meetings(session: Session, group_id: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.starts_at.desc())
        )
    )
