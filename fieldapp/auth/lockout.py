"""Account lockout with exponential backoff after repeated failed log-ins.

After FREE_FAILURES wrong passwords for one e-mail address, log-in for that address is locked
for 1 minute, then 2, 4, 8 ... (at most MAX_LOCK) after each further failure. The count lives
in the database, so every gunicorn process sees the same lock, and it is kept for any address
typed, known or not, so the answer never tells which addresses have an account.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.auth.models import LoginThrottle
from fieldapp.auth.services import normalise_email

FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=24)
# A quiet day forgives earlier failures that never reached a lock.
FORGET_AFTER = timedelta(hours=24)


def email_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email or "").encode("utf-8")).hexdigest()


def lock_length(failures: int) -> timedelta | None:
    """How long the failure number `failures` locks the address for (None: not yet)."""
    if failures < FREE_FAILURES:
        return None
    steps = min(failures - FREE_FAILURES, 20)  # 2**20 minutes is far beyond MAX_LOCK
    return min(FIRST_LOCK * (2**steps), MAX_LOCK)


def locked_for(session: Session, email: str, now: datetime) -> timedelta | None:
    """The time left on this address's lock, or None when it may try to log in."""
    row = session.get(LoginThrottle, email_key(email))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until - now


def record_failure(session: Session, email: str, now: datetime) -> timedelta | None:
    """Count a wrong password; return the lock it starts, if any.

    The increment is one UPDATE, so two processes failing at once both count.
    """
    key = email_key(email)
    row = session.get(LoginThrottle, key)
    quiet = row is not None and row.last_failure_at < now - FORGET_AFTER
    if quiet and (row.locked_until is None or row.locked_until <= now):
        row.failures = 0
        session.flush()
    done = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.email_hash == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        try:
            with session.begin_nested():
                session.add(LoginThrottle(email_hash=key, failures=1, last_failure_at=now))
        except IntegrityError:  # another process inserted it first: count on its row
            return record_failure(session, email, now)
    row = session.get(LoginThrottle, key, populate_existing=True)
    length = lock_length(row.failures)
    row.locked_until = now + length if length else None
    session.flush()
    return length


def record_success(session: Session, email: str) -> None:
    row = session.get(LoginThrottle, email_key(email))
    if row is not None:
        session.delete(row)
        session.flush()
