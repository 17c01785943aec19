"""Anonymising reporter data after the retention period, keeping the findings. No Flask here.

What goes after `months` (counted from when the data was given):
- an observation's reporter e-mail and e-mail consent (the observation itself stays);
- a walk participant's display name (the role stays, so statistics by role still work);
- a meeting participant's display name, unless they chose to be named in the minutes (the
  minutes are the meeting's documented record);
- a local group member's e-mail and contact consent, when the member's details have not been
  saved again since (saving them confirms the consent);
- sent or failed mails in the outbox, which hold the recipient's address.
Each step only touches rows that still hold something, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.groups.models import GroupMember
from fieldapp.meetings.models import MeetingParticipant
from fieldapp.notify.models import OutboxMessage
from fieldapp.walks.models import Participant


@dataclass
class RetentionReport:
    observation_emails: int = 0
    participant_names: int = 0
    meeting_participant_names: int = 0
    group_member_contacts: int = 0
    outbox_messages: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def months_before(now: datetime, months: int) -> datetime:
    """`now` minus whole calendar months, clamped to the month's last day (31 Mar - 1 = 28 Feb)."""
    month_index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(now.day, 27, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return now.replace(year=year, month=month, day=min(now.day, 28))


def _count(result) -> int:
    return max(result.rowcount or 0, 0)


def apply_retention(session: Session, months: int, now: datetime | None = None) -> RetentionReport:
    """Anonymise everything given before the cutoff; the caller commits."""
    if months < 1:
        raise ValueError("the retention period must be at least one month")
    cutoff = months_before(now or datetime.now(UTC), months)
    report = RetentionReport()
    report.observation_emails = _count(
        session.execute(
            update(Observation)
            .where(
                Observation.created_at < cutoff,
                (Observation.reporter_email.is_not(None)) | (Observation.email_consent.is_(True)),
            )
            .values(reporter_email=None, email_consent=False)
            .execution_options(synchronize_session=False)
        )
    )
    report.participant_names = _count(
        session.execute(
            update(Participant)
            .where(Participant.created_at < cutoff, Participant.display_name.is_not(None))
            .values(display_name=None)
            .execution_options(synchronize_session=False)
        )
    )
    report.meeting_participant_names = _count(
        session.execute(
            update(MeetingParticipant)
            .where(
                MeetingParticipant.joined_at < cutoff,
                MeetingParticipant.display_name.is_not(None),
                MeetingParticipant.name_in_minutes.is_(False),
            )
            .values(display_name=None)
            .execution_options(synchronize_session=False)
        )
    )
    report.group_member_contacts = _count(
        session.execute(
            update(GroupMember)
            .where(
                GroupMember.updated_at < cutoff,
                (GroupMember.email.is_not(None)) | (GroupMember.contact_consent.is_(True)),
            )
            .values(email=None, contact_consent=False)
            .execution_options(synchronize_session=False)
        )
    )
    report.outbox_messages = _count(
        session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.created_at < cutoff, OutboxMessage.status != "pending")
            .execution_options(synchronize_session=False)
        )
    )
    session.expire_all()
    return report
