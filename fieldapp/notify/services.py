"""The mail outbox: enqueue in the caller's transaction, deliver later with retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.db import utcnow
from fieldapp.notify.models import OutboxMessage

STATUSES = ("pending", "sent", "failed")


def _one_line(value: str) -> str:
    # A line break in a header would be refused by the mail library (header injection).
    return " ".join(value.split())


def enqueue(
    session: Session, to: str, subject: str, text: str, html: str = "", ref: str = ""
) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the caller's transaction commits."""
    message = OutboxMessage(
        to_addr=_one_line(to)[:254],
        subject=_one_line(subject)[:300],
        body_text=text,
        body_html=html,
        ref=ref[:60],
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    session.add(message)
    return message


# Retry after 1, 5, 15, 60 minutes, then 4 hours; failed for good after the last.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def mark_attempt_failed(message: OutboxMessage, error: str, now=None) -> None:
    now = now or utcnow()
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + BACKOFF[message.attempts - 1]


def mark_failed_permanently(message: OutboxMessage, error: str) -> None:
    """The server refused the message for good: no retries, straight to the failed list."""
    message.attempts += 1
    message.last_error = error[:2000]
    message.status = "failed"


def mark_sent(message: OutboxMessage, now: datetime | None = None) -> None:
    message.attempts += 1
    message.status = "sent"
    message.sent_at = now or utcnow()
    message.last_error = ""


def requeue(message: OutboxMessage, now: datetime | None = None) -> None:
    """Make a pending or failed message due now ("retry now" on the staff page).

    The attempt count is kept, so a failed message that fails again is failed again at once
    instead of starting a new round of retries nobody asked for.
    """
    if message.status == "sent":
        return
    message.status = "pending"
    message.next_attempt_at = now or utcnow()


@dataclass(frozen=True)
class OutboxSummary:
    pending: int
    sent: int
    failed: int
    # Pending messages that have failed at least once: the server may be down.
    retrying: int

    @property
    def problems(self) -> int:
        return self.failed + self.retrying


def summary(session: Session) -> OutboxSummary:
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    retrying = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.attempts > 0)
    )
    return OutboxSummary(
        pending=counts.get("pending", 0),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        retrying=retrying or 0,
    )


def problem_count(session: Session) -> int:
    """Failed messages plus pending ones that already failed once: what staff should look at."""
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                (OutboxMessage.status == "failed")
                | ((OutboxMessage.status == "pending") & (OutboxMessage.attempts > 0))
            )
        )
        or 0
    )


def messages_with_status(session: Session, status: str, limit: int = 200) -> list[OutboxMessage]:
    """Failed: newest problem first. Pending: next due first. Sent: latest first."""
    order = {
        "failed": (OutboxMessage.id.desc(),),
        "pending": (OutboxMessage.next_attempt_at, OutboxMessage.id),
        "sent": (OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()),
    }[status]
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == status)
            .order_by(*order)
            .limit(limit)
        )
    )


def purge_sent(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete delivered mail after a while: it holds addresses we promised not to keep."""
    cutoff = (now or utcnow()) - older_than
    result = session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff)
    )
    return result.rowcount or 0
