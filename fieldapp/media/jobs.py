"""The photo worker's half: turning queued raw uploads into blurred renditions. No Flask here.

Built like the mail outbox worker (notify/worker.py): one committed transaction per photo, so a
crash mid-batch never loses a finished photo; on PostgreSQL the job row is locked with FOR
UPDATE SKIP LOCKED, so several workers share the queue; a failure is retried with backoff and
recorded for good after the last attempt.

The renditions are staged with the transaction (media/staging.py): they get their final names
only when the photo is marked ready. The raw file is deleted after that commit, unless another
pending job holds the same bytes; a crash in between leaves it unreferenced, and
`clean-orphans` removes it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Photo
from fieldapp.db import utcnow
from fieldapp.media.models import PhotoJob
from fieldapp.media.photos import PhotoRejected, ProcessedPhoto, process_photo
from fieldapp.media.staging import stage_photos
from fieldapp.media.storage import Storage
from fieldapp.queues import describe_error, skip_locked

# Retry after 1, 5 and 30 minutes; failed for good after the fourth attempt. Errors worth a
# retry are the storage's or the machine's (disk, memory), not the photo's.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass
class JobCounts:
    done: int = 0
    failed: int = 0  # gave up for good in this run
    retried: int = 0  # failed an attempt, due again later

    @property
    def handled(self) -> int:
        return self.done + self.failed + self.retried


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(PhotoJob.status == "pending")) or 0


def _next_due(session: Session, now: datetime) -> PhotoJob | None:
    query = (
        select(PhotoJob)
        .where(PhotoJob.status == "pending", PhotoJob.next_attempt_at <= now)
        .order_by(PhotoJob.next_attempt_at, PhotoJob.id)
        .limit(1)
    )
    return session.scalar(skip_locked(session, query))


def _mark_ready(photo: Photo, processed: ProcessedPhoto) -> None:
    photo.digest = processed.digest
    photo.width, photo.height = processed.width, processed.height
    photo.thumb_width, photo.thumb_height = processed.thumb_width, processed.thumb_height
    photo.byte_size = len(processed.web)
    photo.original_digest = processed.original_digest
    photo.original_deleted_at = None
    photo.blur_regions = [
        {"x": x, "y": y, "w": w, "h": h, "by": "auto"} for x, y, w, h in processed.regions
    ]
    photo.status = "ready"


def _fail(session: Session, job: PhotoJob, error: str, now: datetime, permanent: bool) -> str:
    job.attempts += 1
    job.last_error = error[:2000]
    if permanent or job.attempts >= MAX_ATTEMPTS:
        job.status = "failed"
        job.photo.status = "failed"
        return "failed"
    job.next_attempt_at = now + BACKOFF[job.attempts - 1]
    return "retry"


def _release_raw(session: Session, storage: Storage, name: str) -> None:
    """Delete a raw upload once no pending job needs it (after the commit)."""
    still_needed = session.scalar(
        select(func.count()).where(PhotoJob.raw_name == name, PhotoJob.status == "pending")
    )
    if not still_needed:
        with contextlib.suppress(OSError):
            storage.delete(name)


def process_job(
    session: Session, storage: Storage, job: PhotoJob, now: datetime, *, max_bytes: int
) -> str:
    """Process one (locked) job and commit; returns "done", "retry" or "failed".

    An upload whose pixels cannot be decoded fails at once (retrying will not help); the raw
    file then goes too, since nobody may see it and nothing can be made of it.
    """
    raw = job.raw_name
    if job.photo is None:  # its photo was deleted in bulk (no ORM cascade): nothing to make
        session.delete(job)
        session.commit()
        _release_raw(session, storage, raw)
        return "failed"
    try:
        processed = process_photo(storage.read(raw), max_bytes=max_bytes)
    except PhotoRejected as exc:
        outcome = _fail(session, job, describe_error(exc), now, permanent=True)
    except Exception as exc:
        # Memory, disk, a library bug, or a raw file this worker cannot see (a worker started
        # without the shared upload storage): worth another attempt once that is fixed.
        outcome = _fail(session, job, describe_error(exc), now, permanent=False)
    else:
        try:
            stage_photos(session, storage, [processed])
        except OSError as exc:  # a full or unmounted disk: try again later
            session.rollback()  # removes the files staged so far
            outcome = _fail(session, job, describe_error(exc), now, permanent=False)
        else:
            _mark_ready(job.photo, processed)
            session.delete(job)
            outcome = "done"
    session.commit()
    if outcome != "retry":
        _release_raw(session, storage, raw)
    return outcome


def process_due(
    session: Session,
    storage: Storage,
    *,
    max_bytes: int,
    now: datetime | None = None,
    batch: int = 20,
    should_stop: Callable[[], bool] | None = None,
) -> JobCounts:
    """Process up to `batch` due photos, one transaction each.

    `should_stop` is asked before each photo, so a worker told to stop finishes the photo in
    hand and no more.
    """
    counts = JobCounts()
    for _ in range(batch):
        if should_stop is not None and should_stop():
            break
        job = _next_due(session, now or utcnow())
        if job is None:
            session.rollback()  # end the read transaction (and any lock) before the next poll
            break
        outcome = process_job(session, storage, job, now or utcnow(), max_bytes=max_bytes)
        if outcome == "done":
            counts.done += 1
        elif outcome == "failed":
            counts.failed += 1
        else:
            counts.retried += 1
    return counts


def drain(
    session: Session,
    storage: Storage,
    *,
    max_bytes: int,
    should_stop: Callable[[], bool] | None = None,
) -> JobCounts:
    """Everything due now, batch after batch (for `process-photos` and tests)."""
    total = JobCounts()
    while True:
        counts = process_due(session, storage, max_bytes=max_bytes, should_stop=should_stop)
        total.done += counts.done
        total.failed += counts.failed
        total.retried += counts.retried
        if counts.handled == 0:
            return total
