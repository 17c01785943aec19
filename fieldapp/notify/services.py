"""The mail outbox: enqueue in the caller's transaction, deliver later with retries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from fieldapp.db import utcnow
from fieldapp.notify.models import OutboxMessage


def enqueue(
    session: Session, to: str, subject: str, text: str, html: str = "", ref: str = ""
) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the caller's transaction commits."""
    message = OutboxMessage(
        to_addr=to.strip(), subject=subject[:300], body_text=text, body_html=html, ref=ref[:60]
    )
    session.add(message)
    return message


# Retry after 1, 5, 15, 60 minutes, then 4 hours; failed for good after the last.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
           timedelta(hours=1), timedelta(hours=4))
MAX_ATTEMPTS = len(BACKOFF) + 1


def mark_attempt_failed(message: OutboxMessage, error: str, now=None) -> None:
    now = now or utcnow()
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + BACKOFF[message.attempts - 1]
