"""Staff decisions about a stored photo: blur more of it, hide it, and forget its original.

No Flask here: callers pass a session and the storage, and commit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Photo
from fieldapp.media.blur import Region
from fieldapp.media.photos import PublicRendition, detect_in, render_public
from fieldapp.media.storage import Storage, original_name, photo_names

ORPHAN_GRACE = timedelta(hours=1)
_ORIGINAL_FILE = re.compile(r"[0-9a-f]{2}/(?P<digest>[0-9a-f]{64})_o\.jpg")


def _boxes(regions: list[dict]) -> list[Region]:
    return [(r["x"], r["y"], r["w"], r["h"]) for r in regions]


def add_blur_region(session: Session, storage: Storage, photo: Photo, region: Region) -> list[str]:
    """Blur `region` (0..1 of the image) in the public renditions; returns the old digests.

    From the original while it is kept, so every region is applied to clean pixels; once it is
    deleted, on top of the public copy, which is already blurred where it had to be. The
    caller removes the old files with `discard_public` after the commit.
    """
    replaced = []
    if photo.blur_regions is None:
        replaced.append(blur_stored_photo(session, storage, photo))
    x, y, w, h = region
    regions = [*photo.blur_regions, {"x": x, "y": y, "w": w, "h": h, "by": "staff"}]
    if photo.has_original:
        original = storage.read(original_name(photo.original_digest))
        public = render_public(original, _boxes(regions))
    else:
        public = render_public(storage.read(photo_names(photo.digest)[0]), [region])
    replaced.append(_replace_public(storage, photo, public))
    photo.blur_regions = regions
    session.flush()
    return [d for d in replaced if d and d != photo.digest]


def blur_stored_photo(session: Session, storage: Storage, photo: Photo) -> str | None:
    """Blur a photo stored before blurring existed: its web copy becomes the original.

    Returns the old digest, or None when the photo was already blurred.
    """
    if photo.blur_regions is not None:
        return None
    data = storage.read(photo_names(photo.digest)[0])
    regions = detect_in(data)
    public = render_public(data, regions)
    original_digest = hashlib.sha256(data).hexdigest()
    storage.save(original_name(original_digest), data)
    photo.original_digest = original_digest
    photo.original_deleted_at = None
    old = _replace_public(storage, photo, public)
    photo.blur_regions = [{"x": x, "y": y, "w": w, "h": h, "by": "auto"} for x, y, w, h in regions]
    session.flush()
    return old


def _replace_public(storage: Storage, photo: Photo, public: PublicRendition) -> str:
    web_name, thumb_name = photo_names(public.digest)
    storage.save(web_name, public.web)
    storage.save(thumb_name, public.thumb)
    old = photo.digest
    photo.digest = public.digest
    photo.width, photo.height = public.width, public.height
    photo.thumb_width, photo.thumb_height = public.thumb_width, public.thumb_height
    photo.byte_size = len(public.web)
    return old


def discard_public(session: Session, storage: Storage, digest: str) -> None:
    """Delete the public files of `digest` once no photo uses them (after a commit)."""
    if session.scalar(select(func.count()).where(Photo.digest == digest)):
        return
    for name in photo_names(digest):
        storage.delete(name)


@dataclass(frozen=True)
class PurgeResult:
    deleted: int  # photos whose original was deleted by this run
    kept: int  # photos that still keep their original
    orphans: int = 0  # originals of deleted photos removed by this run


def purge_originals(
    session: Session, storage: Storage, *, older_than: datetime, now: datetime
) -> PurgeResult:
    """Delete the originals of photos taken before `older_than`; idempotent.

    The files go first: should the commit then fail, the rows are still due and the next run
    marks them (a missing file is fine). A file shared with a newer upload of the same picture
    stays until that one is due too.
    """
    due = list(
        session.scalars(
            select(Photo).where(
                Photo.original_digest.is_not(None),
                Photo.original_deleted_at.is_(None),
                Photo.created_at < older_than,
            )
        )
    )
    due_ids = {p.id for p in due}
    for digest in sorted({p.original_digest for p in due}):
        sharing = session.scalars(
            select(Photo.id).where(
                Photo.original_digest == digest, Photo.original_deleted_at.is_(None)
            )
        )
        if set(sharing) <= due_ids:
            storage.delete(original_name(digest))
    for photo in due:
        photo.original_deleted_at = now
    session.flush()
    kept = session.scalar(
        select(func.count()).where(
            Photo.original_digest.is_not(None), Photo.original_deleted_at.is_(None)
        )
    )
    orphans = _purge_orphans(session, storage, now)
    return PurgeResult(deleted=len(due), kept=kept or 0, orphans=orphans)


def _purge_orphans(session: Session, storage: Storage, now: datetime) -> int:
    """Delete original files no photo keeps: those of deleted photos and observations.

    A file younger than ORPHAN_GRACE may belong to an upload whose row is not committed yet
    (files are written first), so it is left for the next run.
    """
    candidates = {}
    for name in storage.names():
        match = _ORIGINAL_FILE.fullmatch(name)
        if match is not None and storage.modified_at(name) <= now - ORPHAN_GRACE:
            candidates[match["digest"]] = name
    digests = sorted(candidates)
    kept: set[str] = set()
    for start in range(0, len(digests), 500):
        kept.update(
            session.scalars(
                select(Photo.original_digest).where(
                    Photo.original_digest.in_(digests[start : start + 500]),
                    Photo.original_deleted_at.is_(None),
                )
            )
        )
    for digest in digests:
        if digest not in kept:
            storage.delete(candidates[digest])
    return len(digests) - len(kept)
