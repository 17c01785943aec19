"""Serving photos only to people allowed to see them, from outside the static root."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user

from fieldapp.capture.models import Photo
from fieldapp.extensions import db
from fieldapp.media.storage import LocalStorage, photo_names
from fieldapp.walkreports.services import in_published_report
from fieldapp.walks.participation import current_participant

bp = Blueprint("media", __name__, url_prefix="/photos")


def get_storage() -> LocalStorage:
    """One storage object per app, created on first use from UPLOAD_DIR."""
    storage = current_app.extensions.get("fieldapp_storage")
    if storage is None:
        storage = LocalStorage(current_app.config["UPLOAD_DIR"])
        current_app.extensions["fieldapp_storage"] = storage
    return storage


def _may_see(photo: Photo) -> bool:
    if current_user.is_authenticated and current_user.can_coordinate:
        return True
    if in_published_report(db.session, photo.id):
        return True
    walk = photo.observation.walk
    if walk is None:  # Open311 reports have no participant who could claim them
        return False
    participant = current_participant(walk)
    return participant is not None and photo.observation.participant_id == participant.id


@bp.get("/<int:photo_id>/<any(web, thumb):variant>.jpg")
def photo(photo_id: int, variant: str):
    """:raise 404: unknown photo, or one this browser may not see (no hint it exists)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or not _may_see(photo):
        abort(404)
    web_name, thumb_name = photo_names(photo.digest)
    storage = get_storage()
    name = web_name if variant == "web" else thumb_name
    if not storage.exists(name):
        abort(404)
    resp = send_file(storage.path(name), mimetype="image/jpeg", max_age=3600, conditional=True)
    resp.headers["Cache-Control"] = "private, max-age=3600"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = "inline"
    return resp
