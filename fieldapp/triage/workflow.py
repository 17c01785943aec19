"""The issue status workflow: which changes are allowed, by whom, and what they record.

Plain module (no Flask): views and the Open311 API call change_status(); side effects such
as e-mail go through the `notify` callback so they are written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fieldapp.db import utcnow
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue, IssueEvent

STATUSES: tuple[tuple[str, str], ...] = (
    ("new", N_("New")),
    ("triaged", N_("Triaged")),
    ("forwarded", N_("Forwarded")),
    ("in_progress", N_("In progress")),
    ("resolved", N_("Resolved")),
    ("not_responsible", N_("Not our responsibility")),
    ("rejected", N_("Rejected")),
    ("duplicate", N_("Duplicate")),
)
STATUS_LABELS = dict(STATUSES)
OPEN_STATUSES = frozenset({"new", "triaged", "forwarded", "in_progress"})
CLOSED_STATUSES = frozenset({"resolved", "rejected", "duplicate"})

PRIORITIES: tuple[tuple[str, str], ...] = (
    ("low", N_("Low")),
    ("normal", N_("Normal")),
    ("high", N_("High")),
    ("urgent", N_("Urgent")),
)
PRIORITY_LABELS = dict(PRIORITIES)
# Days an administration has from forwarding to resolution.
DUE_DAYS = {"urgent": 2, "high": 7, "normal": 30, "low": 90}

# "not_responsible" is an action, not a resting state: the issue goes back to triage.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"triaged", "forwarded", "rejected", "duplicate"}),
    "triaged": frozenset({"forwarded", "rejected", "duplicate"}),
    "forwarded": frozenset({"in_progress", "resolved", "not_responsible", "rejected", "duplicate"}),
    "in_progress": frozenset({"resolved", "not_responsible"}),
    "resolved": frozenset({"in_progress"}),
    "rejected": frozenset({"triaged"}),
    "duplicate": frozenset({"triaged"}),
}
# What the responsible administration's own staff may do with an issue in their queue.
STAFF_TRANSITIONS = frozenset({"in_progress", "resolved", "not_responsible"})
REASON_REQUIRED = frozenset({"rejected", "not_responsible"})


class WorkflowError(ValueError):
    """A change the workflow does not allow; `code` says why, for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Actor:
    """Who acts: a user id, whether they coordinate, and their administration if staff."""

    user_id: int | None
    coordinates: bool
    administration_id: int | None = None


Notifier = Callable[[Issue, IssueEvent], None]


def due_date(priority: str, start: datetime) -> datetime:
    return start + timedelta(days=DUE_DAYS.get(priority, DUE_DAYS["normal"]))


def is_overdue(issue: Issue, now: datetime | None = None) -> bool:
    return (
        issue.status in OPEN_STATUSES
        and issue.due_at is not None
        and issue.due_at < (now or utcnow())
    )


def allowed_transitions(issue: Issue, actor: Actor) -> list[str]:
    allowed = TRANSITIONS.get(issue.status, frozenset())
    if actor.coordinates:
        return [code for code, _label in STATUSES if code in allowed]
    if actor.administration_id is not None and actor.administration_id == issue.administration_id:
        return [code for code, _label in STATUSES if code in allowed & STAFF_TRANSITIONS]
    return []


def record(session: Session, issue: Issue, actor: Actor | None, kind: str, **fields) -> IssueEvent:
    event = IssueEvent(
        issue=issue, user_id=actor.user_id if actor else None, kind=kind, at=utcnow(), **fields
    )
    session.add(event)
    return event


def change_status(
    session: Session,
    issue: Issue,
    actor: Actor,
    to_status: str,
    *,
    public_comment: str = "",
    internal_note: str = "",
    administration_id: int | None = None,
    notify: Notifier | None = None,
    now: datetime | None = None,
) -> IssueEvent:
    """Move `issue` to `to_status` and record who did it, when and why.

    Forwarding needs an administration and starts the due date. "not_responsible" sends the
    issue back to triage without an administration. Rejecting and declining need a reason
    (public or internal comment).

    :raise WorkflowError: not allowed from the current status or for this actor, missing
        reason or administration.
    """
    now = now or utcnow()
    public_comment = (public_comment or "").strip()
    internal_note = (internal_note or "").strip()
    if to_status not in STATUS_LABELS:
        raise WorkflowError("unknown_status")
    if to_status not in allowed_transitions(issue, actor):
        raise WorkflowError("not_allowed")
    if to_status in REASON_REQUIRED and not (public_comment or internal_note):
        raise WorkflowError("reason_required")

    from_status = issue.status
    event_admin = issue.administration_id
    if to_status == "forwarded":
        admin_id = administration_id or issue.administration_id
        if admin_id is None:
            raise WorkflowError("administration_required")
        issue.administration_id = admin_id
        event_admin = admin_id
        issue.due_at = due_date(issue.priority, now)
        issue.status = "forwarded"
    elif to_status == "not_responsible":
        issue.administration_id = None
        issue.due_at = None
        issue.status = "triaged"
    else:
        issue.status = to_status
    issue.status_changed_at = now
    event = record(
        session,
        issue,
        actor,
        "status",
        from_status=from_status,
        to_status=to_status,
        administration_id=event_admin,
        public_comment=public_comment,
        internal_note=internal_note,
    )
    event.at = now
    session.flush()
    if notify is not None:
        notify(issue, event)
    return event
