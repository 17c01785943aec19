"""Delivering due outbox messages, one committed transaction per message.

Committing each message on its own means a crash mid-batch never re-sends what was already
delivered. On PostgreSQL the due row is locked with FOR UPDATE SKIP LOCKED while it is sent,
so several workers can share the queue without sending a message twice; SQLite has a single
writer anyway, so one worker is the setup there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from fieldapp.db import utcnow
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import (
    mark_attempt_failed,
    mark_failed_permanently,
    mark_sent,
    purge_sent,
)
from fieldapp.notify.smtp import PermanentFailure
from fieldapp.queues import describe_error, skip_locked

Send = Callable[[OutboxMessage], None]


@dataclass(frozen=True)
class Outcome:
    """What happened to one message: "sent", "retry" (pending again later) or "failed"."""

    result: str
    error: str = ""


def attempt(session: Session, message: OutboxMessage, send: Send, now: datetime) -> Outcome:
    """Try to send one (locked) message and record the result; the caller commits."""
    try:
        send(message)
    except PermanentFailure as exc:
        mark_failed_permanently(message, describe_error(exc))
        return Outcome("failed", message.last_error)
    except Exception as exc:  # any error from the network or the server: retry later
        mark_attempt_failed(message, describe_error(exc), now=now)
        return Outcome("failed" if message.status == "failed" else "retry", message.last_error)
    mark_sent(message, now=now)
    return Outcome("sent")


def _next_due(session: Session, now: datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    return session.scalar(skip_locked(session, query))


def deliver_due(
    session: Session,
    send: Send,
    now: datetime | None = None,
    batch: int = 50,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, int, int]:
    """Send up to `batch` due messages; returns (sent, failed, retried).

    "failed" counts messages that gave up for good in this run; "retried" those that failed
    an attempt and wait for the next one. `should_stop` is asked before each message, so a
    worker told to stop finishes the message in hand and no more.
    """
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for _ in range(batch):
        if should_stop is not None and should_stop():
            break
        message = _next_due(session, now)
        if message is None:
            break
        outcome = attempt(session, message, send, now)
        session.commit()
        counts[outcome.result] += 1
    return counts["sent"], counts["failed"], counts["retry"]


def deliver_one(
    session: Session, message_id: int, send: Send, now: datetime | None = None
) -> Outcome | None:
    """Send one message now ("retry now"), if it is not sent and no worker holds it.

    Returns None when there is nothing to do: already sent, unknown, or being sent right now
    by a worker (locked).
    """
    now = now or utcnow()
    query = select(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status != "sent"
    )
    message = session.scalar(skip_locked(session, query))
    if message is None:
        return None
    message.status = "pending"
    outcome = attempt(session, message, send, now)
    session.commit()
    return outcome


@dataclass
class Totals:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    purged: int = 0
    rounds: int = field(default=0)


PURGE_EVERY = timedelta(hours=1)


def run(
    session: Session,
    open_sender: Callable[[], AbstractContextManager[Send]],
    echo: Callable[[str], None],
    *,
    once: bool = False,
    interval: float = 10.0,
    batch: int = 50,
    keep_sent: timedelta | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    tasks: Sequence[Callable[[Callable[[], bool]], bool]] = (),
) -> Totals:
    """The worker loop: deliver due mail, then poll every `interval` seconds until stopped.

    `tasks` are other queues served by the same process (the photo queue): each is called once
    per round with `should_stop` and returns whether more may be due right now. One process
    for every queue is one thing less to deploy.

    With `once`, deliver everything that is due now (several batches if needed) and return.
    A database outage is reported and retried on the next poll instead of ending the worker.
    """
    totals = Totals()
    last_purge: datetime | None = None
    while not should_stop():
        try:
            with open_sender() as send:
                sent, failed, retried = deliver_due(
                    session, send, batch=batch, should_stop=should_stop
                )
            more = [task(should_stop) for task in tasks]
            now = utcnow()
            if keep_sent is not None and (last_purge is None or now - last_purge >= PURGE_EVERY):
                totals.purged += purge_sent(session, keep_sent, now=now)
                session.commit()
                last_purge = now
        except SQLAlchemyError as exc:
            session.rollback()
            echo(f"worker: database error, trying again later: {describe_error(exc)}")
            if once:
                raise
            sleep(interval)
            continue
        totals.rounds += 1
        totals.sent += sent
        totals.failed += failed
        totals.retried += retried
        if sent or failed or retried:
            echo(f"mail-worker: {sent} sent, {retried} to retry later, {failed} failed")
        if sent + failed + retried >= batch or any(more):
            continue  # more may be due right now
        if once:
            break
        _sleep_unless_stopped(interval, should_stop, sleep)
    return totals


def _sleep_unless_stopped(
    seconds: float, should_stop: Callable[[], bool], sleep: Callable[[float], None]
) -> None:
    waited = 0.0
    while waited < seconds and not should_stop():
        step = min(1.0, seconds - waited)
        sleep(step)
        waited += step
