"""Photo commands: `purge-originals` (retention), `blur-photos` (photos from before blurring),
`process-photos` (drain the photo queue once)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from sqlalchemy import select

from fieldapp.db import utcnow
from fieldapp.extensions import db

BLUR_PROGRESS_EVERY = 25


def register(app: Flask) -> None:
    @app.cli.command("purge-originals")
    @click.option(
        "--days",
        type=click.IntRange(min=0),
        default=None,
        help="Keep originals this many days (default: ORIGINAL_PHOTO_RETENTION_DAYS).",
    )
    def purge_originals_command(days: int | None) -> None:
        """Delete the unblurred originals of photos older than the retention period.

        Safe to run again (e.g. daily from cron): what is already deleted is not counted twice.
        """
        from fieldapp.media.services import purge_originals
        from fieldapp.media.views import get_storage

        days = current_app.config["ORIGINAL_PHOTO_RETENTION_DAYS"] if days is None else days
        now = utcnow()
        result = purge_originals(
            db.session, get_storage(), older_than=now - timedelta(days=days), now=now
        )
        db.session.commit()
        click.echo(
            f"purge-originals: {result.deleted} originals older than {days} days deleted; "
            f"{result.kept} photos still keep their original; "
            f"{result.orphans} originals of deleted photos removed."
        )

    @app.cli.command("blur-photos")
    def blur_photos_command() -> None:
        """Blur faces and number plates in photos stored before blurring existed."""
        from fieldapp.capture.models import Photo
        from fieldapp.media.services import blur_stored_photo, discard_public
        from fieldapp.media.views import get_storage

        storage = get_storage()
        done = 0
        ids = db.session.scalars(
            # A photo still in the queue is blurred by the worker; one that failed has no pixels.
            select(Photo.id)
            .where(Photo.blur_regions.is_(None), Photo.status == "ready")
            .order_by(Photo.id)
        ).all()
        for photo_id in ids:
            photo = db.session.get(Photo, photo_id)
            old = blur_stored_photo(db.session, storage, photo)
            db.session.commit()
            if old and old != photo.digest:
                discard_public(db.session, storage, old)
            done += 1
            if done % BLUR_PROGRESS_EVERY == 0:
                # About half a second a photo: a large archive takes a while.
                click.echo(f"  {done} of {len(ids)} photos blurred")
        click.echo(f"blur-photos: {done} photos blurred.")

    @app.cli.command("process-photos")
    def process_photos_command() -> None:
        """Process every queued photo that is due now, then exit (for cron, tests, catch-up).

        The long-running `worker` does the same continuously.
        """
        from fieldapp.media.jobs import drain, pending_count
        from fieldapp.media.views import get_storage

        counts = drain(db.session, get_storage(), max_bytes=current_app.config["MAX_PHOTO_BYTES"])
        click.echo(
            f"process-photos: {counts.done} photos ready, {counts.retried} to retry later, "
            f"{counts.failed} failed; {pending_count(db.session)} still queued."
        )
