"""Turning uploaded files into photos, with one clear message per refused file.

With PHOTO_PROCESSING = "queue" (production) the request only does what must happen before the
user gets an answer: the size cap, the type by content and the pixel count from the header;
the photo worker decodes, blurs and re-encodes later (media/jobs.py). With "inline" the whole
pipeline runs here, as the test app and small installs without a worker use it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage
from wtforms import Field

from fieldapp.media.photos import PhotoRejected, Upload, check_photo, process_photo


def _reason(exc: PhotoRejected, max_mb: int) -> str:
    messages = {
        "empty": _("the file is empty"),
        "too_large": _("the file is larger than %(mb)d MB", mb=max_mb),
        "not_image": _("it is not a photo we can read"),
        "unsupported_format": _("use a JPEG, PNG, WebP or HEIC photo"),
        "too_many_pixels": _("the picture has too many pixels"),
        "truncated": _(
            "the file is incomplete, perhaps the upload was cut off; please add it again"
        ),
    }
    return messages.get(exc.code, _("it could not be read"))


def queued() -> bool:
    """Whether photos are processed by the worker rather than in the request."""
    return current_app.config.get("PHOTO_PROCESSING", "queue") == "queue"


def _too_many(limit: int, for_issue: bool) -> str:
    if for_issue:
        # Staff's "after" photos belong to the issue, and the cap holds for each upload.
        return ngettext(
            "You can add at most %(num)d after photo to an issue at a time.",
            "You can add at most %(num)d after photos to an issue at a time.",
            limit,
        )
    return _("You can add at most %(n)d photos to one observation.", n=limit)


def process_uploads(
    files: list[FileStorage], already: int = 0, *, for_issue: bool = False
) -> tuple[list[Upload], list[str]]:
    """Check (queue) or process (inline) every chosen file; return the accepted photos and one
    message per refusal. `for_issue`: "after" photos staff add to an issue, so the message about
    too many photos speaks of the issue rather than of an observation."""
    max_bytes = current_app.config["MAX_PHOTO_BYTES"]
    limit = current_app.config["MAX_PHOTOS_PER_OBSERVATION"]
    handle = check_photo if queued() else process_photo
    chosen = [f for f in files if f and f.filename]
    photos: list[Upload] = []
    errors: list[str] = []
    if already + len(chosen) > limit:
        errors.append(_too_many(limit, for_issue))
        return [], errors
    for upload in chosen:
        # Read one byte past the cap so an oversize file is refused without holding more.
        data = upload.stream.read(max_bytes + 1)
        try:
            photos.append(handle(data, max_bytes=max_bytes))
        except PhotoRejected as exc:
            errors.append(
                _(
                    "The photo %(name)s was not added: %(reason)s.",
                    name=upload.filename,
                    reason=_reason(exc, max_bytes // (1024 * 1024)),
                )
            )
    return photos, errors


def ask_for_photos_again(field: Field, message: Callable[[str], str] | None = None) -> None:
    """Add `message(names of the chosen files)` to the file field's errors when files were
    chosen: a re-rendered page cannot refill a file input, so say what to choose again."""
    chosen = [f for f in request.files.getlist(field.name) if f and f.filename]
    if not chosen:
        return
    names = ", ".join(f.filename for f in chosen)
    text = message(names) if message else _("Choose your photos again: %(names)s.", names=names)
    field.errors = [*field.errors, text]
