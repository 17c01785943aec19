"""Turning uploaded files into processed photos, with one clear message per refused file."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from fieldapp.media.photos import PhotoRejected, ProcessedPhoto, process_photo


def _reason(exc: PhotoRejected, max_mb: int) -> str:
    messages = {
        "empty": _("the file is empty"),
        "too_large": _("the file is larger than %(mb)d MB", mb=max_mb),
        "not_image": _("it is not a photo we can read"),
        "unsupported_format": _("use a JPEG, PNG, WebP or HEIC photo"),
        "too_many_pixels": _("the picture has too many pixels"),
    }
    return messages.get(exc.code, _("it could not be read"))


def process_uploads(
    files: list[FileStorage], already: int = 0
) -> tuple[list[ProcessedPhoto], list[str]]:
    """Process every chosen file; return the accepted photos and one message per refusal."""
    max_bytes = current_app.config["MAX_PHOTO_BYTES"]
    limit = current_app.config["MAX_PHOTOS_PER_OBSERVATION"]
    chosen = [f for f in files if f and f.filename]
    photos: list[ProcessedPhoto] = []
    errors: list[str] = []
    if already + len(chosen) > limit:
        errors.append(_("You can add at most %(n)d photos to one observation.", n=limit))
        return [], errors
    for upload in chosen:
        # Read one byte past the cap so an oversize file is refused without holding more.
        data = upload.stream.read(max_bytes + 1)
        try:
            photos.append(process_photo(data, max_bytes=max_bytes))
        except PhotoRejected as exc:
            errors.append(
                _(
                    "The photo %(name)s was not added: %(reason)s.",
                    name=upload.filename,
                    reason=_reason(exc, max_bytes // (1024 * 1024)),
                )
            )
    return photos, errors
