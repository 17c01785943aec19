"""Photo files that follow their database transaction: written first, final only on commit.

`stage_photos` writes each file under a temp name and remembers it on the session; when that
session commits, the files are renamed to their final names (copied, in a bucket: see
s3_storage.py); when it rolls back or closes without committing, they are removed. So a Photo
row never points at a file that was not fully written, and a failed submission leaves no final
file behind. A crash (power cut, SIGKILL) between the commit and the rename leaves a temp file
that names its final name: `clean_orphans` (fieldapp/media/orphans.py) completes those instead
of deleting them.

Session events rather than explicit calls in every view: the form, the JSON API and edits all
commit through the same session, and none of them can forget the second half. No Flask here.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from fieldapp.media.photos import CheckedUpload, ProcessedPhoto
from fieldapp.media.storage import Storage, original_name, photo_names, raw_name

_KEY = "fieldapp_staged_photos"
# Test-only fault injection: "before_commit:SECONDS" or "after_commit:SECONDS" makes a request
# that staged photos sleep at that point, so a test can kill the server inside the window.
FAULT_ENV = "FIELDAPP_FAULT_PAUSE"


def stage_photos(
    session: Session, storage: Storage, photos: Iterable[ProcessedPhoto | CheckedUpload]
) -> None:
    """Write the files under temp names; they become final when `session` commits.

    A processed photo stages its three renditions, a checked upload (for the photo queue) its
    raw bytes; the worker stages the renditions it makes through here too.
    """
    staged: list[tuple[Storage, Any]] = session.info.setdefault(_KEY, [])
    for photo in photos:
        if isinstance(photo, CheckedUpload):
            staged.append((storage, storage.stage(raw_name(photo.digest), photo.data)))
            continue
        web_name, thumb_name = photo_names(photo.digest)
        staged.append((storage, storage.stage(web_name, photo.web)))
        staged.append((storage, storage.stage(thumb_name, photo.thumb)))
        staged.append(
            (storage, storage.stage(original_name(photo.original_digest), photo.original))
        )


def _fault_pause(point: str) -> None:
    spec = os.environ.get(FAULT_ENV, "")
    name, _sep, seconds = spec.partition(":")
    if name == point and seconds:
        time.sleep(float(seconds))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_KEY):
        _fault_pause("before_commit")


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    staged = session.info.pop(_KEY, None)
    if not staged:
        return
    _fault_pause("after_commit")
    for storage, path in staged:
        storage.promote(path)


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction decides; after a commit the list is already gone.
    if transaction.parent is not None:
        return
    staged = session.info.pop(_KEY, None)
    for storage, path in staged or ():
        with contextlib.suppress(OSError):
            storage.discard(path)
