"""Bringing photo storage back in line with the database after a crash. No Flask here.

Three kinds of leftover, each with one safe answer (a raw upload that a pending photo job
still needs counts as referenced, like a rendition):
- a temp file staged for a final name that a Photo row refers to: the crash came after the
  commit and before the rename, so the rename is finished now (the row needs that file);
- any other temp file older than `temp_age`: an upload that never committed, removed (younger
  ones may belong to a request still running);
- a final file no Photo row refers to (its photo or observation was deleted): removed.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Photo
from fieldapp.media.models import PhotoJob
from fieldapp.media.storage import Storage, original_name, photo_names

_PHOTO_FILE = re.compile(r"[0-9a-f]{2}/[0-9a-f]+((_t|_o)?\.jpg|_r\.raw)")


@dataclass
class OrphanReport:
    completed: int = 0
    temp_removed: int = 0
    temp_kept: int = 0
    final_removed: int = 0


def referenced_names(session: Session) -> set[str]:
    names: set[str] = set()
    for digest in session.scalars(select(Photo.digest).distinct()):
        names.update(photo_names(digest))
    # Unblurred originals until the retention job has deleted them (media/cli.py purge-originals).
    originals = select(Photo.original_digest).where(
        Photo.original_digest.is_not(None), Photo.original_deleted_at.is_(None)
    )
    for digest in session.scalars(originals.distinct()):
        names.add(original_name(digest))
    # Raw uploads still waiting for the photo worker (media/jobs.py deletes them when done).
    names.update(session.scalars(select(PhotoJob.raw_name).where(PhotoJob.status == "pending")))
    return names


def clean_orphans(
    session: Session,
    storage: Storage,
    temp_age: timedelta = timedelta(hours=1),
    dry_run: bool = False,
) -> OrphanReport:
    """Complete, remove or count leftovers; with `dry_run` only count them."""
    report = OrphanReport()
    # Files are listed before the rows are read: a file promoted after this listing is not
    # seen, and one promoted before it belongs to a commit the query below already sees.
    temps = list(storage.temp_files())
    finals = list(storage.names())
    wanted = referenced_names(session)
    cutoff = time.time() - temp_age.total_seconds()
    for path, final in temps:
        if final is not None and final in wanted:
            report.completed += 1
            if not dry_run:
                with contextlib.suppress(FileNotFoundError):  # its request just did it
                    storage.promote(path)
            continue
        try:
            old = storage.staged_modified_at(path).timestamp() < cutoff
        except FileNotFoundError:  # finished or discarded by its request meanwhile
            continue
        if not old:
            report.temp_kept += 1
            continue
        report.temp_removed += 1
        if not dry_run:
            storage.discard(path)
    for name in finals:
        # Only names this app writes: anything else in the directory is not ours to judge.
        if _PHOTO_FILE.fullmatch(name) and name not in wanted:
            report.final_removed += 1
            if not dry_run:
                storage.delete(name)
    return report
