"""One reporter's data: find it, show it, export it, erase it (GDPR access and erasure).

A reporter is found by the e-mail address they gave or by the tracking code on their receipt.
From a code we also take the other observations made on the same phone during that walk (the
same pseudonymous participant), and those sent with the same address. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.capture.models import Observation
from fieldapp.followup.services import find_by_code, normalise_code
from fieldapp.notify.models import OutboxMessage
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.walks.models import Participant


@dataclass
class ReporterData:
    emails: set[str] = field(default_factory=set)
    observations: list[Observation] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    pending_mails: int = 0

    @property
    def found(self) -> bool:
        return bool(self.observations or self.participants or self.emails)


def find_reporter(session: Session, query: str) -> ReporterData:
    """Everything stored about the reporter an e-mail address or tracking code points at."""
    query = (query or "").strip()
    emails: set[str] = set()
    participant_ids: set[int] = set()
    if "@" in query:
        emails.add(query.lower())
    else:
        start = find_by_code(session, normalise_code(query))
        if start is None:
            return ReporterData()
        if start.reporter_email:
            emails.add(start.reporter_email.strip().lower())
        if start.participant_id:
            participant_ids.add(start.participant_id)
        start_id = start.id
    conditions = []
    if emails:
        conditions.append(func.lower(Observation.reporter_email).in_(emails))
    if participant_ids:
        conditions.append(Observation.participant_id.in_(participant_ids))
    if "@" not in query:
        conditions.append(Observation.id == start_id)
    observations = list(
        session.scalars(
            select(Observation)
            .where(or_(*conditions))
            .options(selectinload(Observation.photos), selectinload(Observation.participant))
            .order_by(Observation.created_at, Observation.id)
        )
    )
    participant_ids.update(o.participant_id for o in observations if o.participant_id)
    participants = (
        list(session.scalars(select(Participant).where(Participant.id.in_(participant_ids))))
        if participant_ids
        else []
    )
    pending = 0
    if emails:
        pending = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(func.lower(OutboxMessage.to_addr).in_(emails))
        )
    if not observations and not pending:
        emails = set()  # nothing stored under that address: say so, do not echo it as found
    return ReporterData(emails, observations, participants, pending or 0)


def export(data: ReporterData) -> dict:
    """What is stored, as a JSON-ready document a person can read."""
    return {
        "about": "Data stored by fieldapp about one reporter (GDPR access request).",
        "email_addresses": sorted(data.emails),
        "participations": [
            {
                "walk": p.walk.title,
                "joined_at": p.created_at.isoformat(timespec="seconds"),
                "role": p.role,
                "display_name": p.display_name,
            }
            for p in data.participants
        ],
        "observations": [
            {
                "tracking_code": o.tracking_code,
                "created_at": o.created_at.isoformat(timespec="seconds"),
                "walk": o.walk.title if o.walk else None,
                "source": o.source,
                "category": CATEGORY_BY_CODE[o.category].label
                if o.category in CATEGORY_BY_CODE
                else o.category,
                "text": o.text,
                "safety": o.safety,
                "severity": o.severity,
                "position": {"lat": o.lat, "lon": o.lon} if o.has_position else None,
                "address": o.address or None,
                "reporter_email": o.reporter_email,
                "email_consent": o.email_consent,
                "photos": len(o.photos),
                "issue_number": o.issue_id,
            }
            for o in data.observations
        ],
        "mails_waiting_or_kept": data.pending_mails,
    }


@dataclass
class ErasureReport:
    emails_removed: int = 0
    names_removed: int = 0
    observations_deleted: int = 0
    mails_deleted: int = 0


def erase(session: Session, data: ReporterData, delete_observations: bool) -> ErasureReport:
    """Remove contact data and names; with `delete_observations` the observations too.

    Deleted observations take their photos' rows with them; their files go at the next
    `clean-orphans`. The caller commits.
    """
    report = ErasureReport()
    for obs in data.observations:
        if obs.reporter_email or obs.email_consent:
            report.emails_removed += 1
        obs.reporter_email = None
        obs.email_consent = False
    for participant in data.participants:
        if participant.display_name:
            report.names_removed += 1
            participant.display_name = None
    if data.emails:
        result = session.execute(
            delete(OutboxMessage)
            .where(func.lower(OutboxMessage.to_addr).in_(data.emails))
            .execution_options(synchronize_session=False)
        )
        report.mails_deleted = max(result.rowcount or 0, 0)
    if delete_observations:
        for obs in data.observations:
            session.delete(obs)
        report.observations_deleted = len(data.observations)
    session.flush()
    return report
