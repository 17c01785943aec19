"""What a reporter may see of their observation, and who asked to be told about changes.

Plain functions on a session. The public page is built from a `Tracking` value that holds
only what may be shown, so a template cannot leak an internal note, another reporter's text
or an address by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation, Photo
from fieldapp.taxonomy import N_
from fieldapp.triage.after_photos import public_after_photos, public_before_photos
from fieldapp.triage.models import Issue

# Reporter wording: what happens, not the coordinators' internal workflow names.
PUBLIC_STATUS_LABELS: dict[str, str] = {
    "received": N_("Received"),
    "new": N_("Received"),
    "triaged": N_("Being assessed"),
    "rerouting": N_("Being re-routed to the responsible administration"),
    "forwarded": N_("Forwarded to the responsible administration"),
    "in_progress": N_("In progress"),
    "resolved": N_("Resolved"),
    "rejected": N_("Rejected"),
    "duplicate": N_("Handled together with a similar report"),
    "not_responsible": N_("Being re-routed to the responsible administration"),
}
# Status changes a consenting reporter is e-mailed about.
REPORTER_STATUSES = frozenset(
    {"forwarded", "in_progress", "resolved", "rejected", "not_responsible", "duplicate"}
)
# After these the case is closed for the reporter: their address is deleted.
FINAL_STATUSES = frozenset({"resolved", "rejected"})
# Statuses in which the responsible administration is named on the public page.
OWNED_STATUSES = frozenset({"forwarded", "in_progress", "resolved"})

_NOT_CODE = re.compile(r"[^A-Z0-9]")
MAX_CODE_LENGTH = 12


def normalise_code(raw: str | None) -> str:
    """Upper case without spaces or dashes: "abcd-efgh " and "ABCD EFGH" are the same code."""
    # Capped so a pasted essay is not echoed back; anything longer than a code is unknown.
    return _NOT_CODE.sub("", (raw or "")[:64].upper())


def format_code(code: str) -> str:
    """Groups of four, easier to read aloud and copy from paper: "ABCD EFGH"."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_by_code(session: Session, code: str) -> Observation | None:
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return session.scalar(select(Observation).where(Observation.tracking_code == code))


def effective_issue(issue: Issue, session: Session) -> Issue:
    """Follow "duplicate of" links to the issue where the work happens (cycles are cut)."""
    seen = {issue.id}
    current = issue
    while current.status == "duplicate" and current.duplicate_of_id not in (None, *seen):
        target = session.get(Issue, current.duplicate_of_id)
        if target is None:
            break
        seen.add(target.id)
        current = target
    return current


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    status: str | None  # a key of PUBLIC_STATUS_LABELS, or None for a plain comment
    comment: str = ""


@dataclass(frozen=True)
class Tracking:
    code: str
    category: str
    text: str
    created_at: datetime
    walk_title: str | None
    status: str
    administration_name: str | None
    events: list[PublicEvent] = field(default_factory=list)
    # Shown only as blurred renditions (public_photo_url); hidden photos are never in them.
    before_photos: list[Photo] = field(default_factory=list)  # the reporter's own
    after_photos: list[Photo] = field(default_factory=list)  # staff's, of the work done


def _public_events(issues: list[Issue]) -> list[PublicEvent]:
    events = []
    for issue in issues:
        for event in issue.events:
            if event.kind == "status" and event.to_status:
                events.append(PublicEvent(event.at, event.to_status, event.public_comment))
            elif event.public_comment:
                events.append(PublicEvent(event.at, None, event.public_comment))
    return sorted(events, key=lambda e: e.at)


def _public_status(issue: Issue) -> str:
    status_events = [e for e in issue.events if e.kind == "status"]
    if (
        issue.status == "triaged"
        and status_events
        and (status_events[-1].to_status == "not_responsible")
    ):
        return "rerouting"
    return issue.status


def tracking_view(session: Session, observation: Observation) -> Tracking:
    """Everything the public page shows for `observation`, and nothing else."""
    issue = observation.issue
    status, admin_name, events, after = "received", None, [], []
    if issue is not None:
        target = effective_issue(issue, session)
        status = _public_status(target)
        if target.status in OWNED_STATUSES and target.administration is not None:
            admin_name = target.administration.name
        worked = [issue] if target is issue else [issue, target]
        events = _public_events(worked)
        after = [p for i in worked for p in public_after_photos(i)]
    return Tracking(
        code=observation.tracking_code,
        category=observation.category,
        text=observation.text,
        created_at=observation.created_at,
        walk_title=observation.walk.title if observation.walk else None,
        status=status,
        administration_name=admin_name,
        events=[PublicEvent(observation.created_at, "received"), *events],
        before_photos=public_before_photos([observation]) if after else [],
        after_photos=after,
    )


def subscribers(session: Session, issue: Issue) -> list[Observation]:
    """Observations of `issue` (and of issues marked as its duplicates) whose reporter
    consented to e-mail about status changes."""
    issue_ids = [
        issue.id,
        *session.scalars(select(Issue.id).where(Issue.duplicate_of_id == issue.id)),
    ]
    return list(
        session.scalars(
            select(Observation)
            .where(
                Observation.issue_id.in_(issue_ids),
                Observation.email_consent.is_(True),
                Observation.reporter_email.is_not(None),
                Observation.reporter_email != "",
            )
            .order_by(Observation.id)
        )
    )


def one_per_address(observations: list[Observation]) -> list[Observation]:
    """The first observation for each address, so nobody gets the same news twice."""
    by_address: dict[str, Observation] = {}
    for obs in observations:
        by_address.setdefault(obs.reporter_email.strip().lower(), obs)
    return list(by_address.values())


def forget_addresses(observations: list[Observation]) -> None:
    """The case is closed: delete the addresses, as the consent text promised."""
    for obs in observations:
        obs.reporter_email = None
        obs.email_consent = False
