"""Serving photos only to people allowed to see them, from outside the static root.

Two renditions: `web`/`thumb` are the public ones (faces and number plates blurred) that every
page showing a photo uses; `original` is the unblurred copy that only triage staff may open,
until the retention job deletes it. Pages without a login (follow-up reports, Open311) link a
photo through `public_photo_url`, a signed link that never reaches the original.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.http import http_date

from fieldapp.capture.models import Photo
from fieldapp.errors import photos_not_stored, retry_later
from fieldapp.extensions import db
from fieldapp.media.forms import BlurRegionForm, PhotoVisibilityForm
from fieldapp.media.s3_storage import S3StorageError
from fieldapp.media.services import add_blur_region, discard_public
from fieldapp.media.storage import LocalStorage, Storage, original_name, photo_names
from fieldapp.notify.urls import base_url, path_for
from fieldapp.triage.access import can_view_issue
from fieldapp.walks.participation import current_participant

bp = Blueprint("media", __name__, url_prefix="/photos")


def get_storage() -> Storage:
    """One storage object per app, created on first use: the UPLOAD_BUCKET bucket when that is
    set, else the UPLOAD_DIR directory."""
    storage = current_app.extensions.get("fieldapp_storage")
    if storage is None:
        config = current_app.config
        if config.get("UPLOAD_BUCKET"):
            from fieldapp.media.s3_storage import S3Storage, make_client

            client = make_client(config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"))
            storage = S3Storage(
                config["UPLOAD_BUCKET"], config.get("UPLOAD_BUCKET_PREFIX", ""), client
            )
        else:
            storage = LocalStorage(config["UPLOAD_DIR"])
        current_app.extensions["fieldapp_storage"] = storage
    return storage


def is_triage_for(photo: Photo) -> bool:
    """Coordinators and admins, or staff of the administration the photo's issue is routed to."""
    if not current_user.is_authenticated:
        return False
    if current_user.can_coordinate:
        return True
    issue = photo.issue if photo.observation is None else photo.observation.issue
    return issue is not None and can_view_issue(current_user, issue)


def _taken_by_this_browser(photo: Photo) -> bool:
    """The photo belongs to an observation this browser's participant sent on a walk."""
    observation = photo.observation
    if observation is None or observation.walk is None:
        return False  # a staff "after" photo, or an Open311 report (nobody could claim it)
    participant = current_participant(observation.walk)
    return participant is not None and observation.participant_id == participant.id


def _may_see(photo: Photo) -> bool:
    """The public rendition: triage staff always; the participant who took it unless hidden.
    A staff "after" photo reaches public pages only through public_photo_url."""
    if is_triage_for(photo):
        return True
    return photo.is_public and _taken_by_this_browser(photo)


def _may_follow(photo: Photo) -> bool:
    """Whoever is shown the "being processed" placeholder may ask how the photo is doing."""
    if is_triage_for(photo):
        return True
    return not photo.hidden and _taken_by_this_browser(photo)


def _send(name: str):
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        if not storage.exists(name):
            abort(404)
        resp = send_file(storage.path(name), mimetype="image/jpeg", conditional=True)
    else:
        resp = _send_object(storage, name)
    # Revalidate every time (a 304 is cheap): a photo blurred or hidden by staff must not
    # linger in a browser cache.
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = "inline"
    return resp


def _send_object(storage: Storage, name: str) -> Response:
    """A bucket object with its own ETag and time, so a 304 works across instances; the
    bucket checks the browser's copy itself, so a revalidation reads no body."""
    etag, since = _browser_copy()
    try:
        stored = storage.open(name, if_none_match=etag, if_modified_since=since)
    except FileNotFoundError:
        abort(404)
    if stored.body is None:
        # The headers Werkzeug's own 304 for a file has.
        resp = current_app.response_class(status=304)
        resp.headers["Date"] = http_date()
        resp.accept_ranges = "bytes"
        if stored.etag is not None:
            resp.set_etag(stored.etag)
        return resp
    return send_file(
        stored.body,
        mimetype="image/jpeg",
        conditional=True,
        etag=stored.etag if stored.etag is not None else True,
        last_modified=stored.modified_at,
    )


def _browser_copy() -> tuple[str | None, datetime | None]:
    """(ETag, date) of the copy the browser revalidates, for the storage to compare.

    If-None-Match wins over If-Modified-Since (RFC 9110). Only a single tag is passed on, as
    browsers send; for several tags or "*" the object is read and Werkzeug decides.
    """
    tags = request.if_none_match
    if not tags:
        return None, request.if_modified_since
    values = tags.as_set(include_weak=True)
    if tags.star_tag or len(values) != 1:
        return None, None
    return values.pop(), None


def _photo_or_404(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    return photo


@bp.get("/<int:photo_id>/<any(web, thumb, original):variant>.jpg")
def photo(photo_id: int, variant: str):
    """:raise 404: unknown photo, or one this browser may not see (no hint it exists)."""
    photo = _photo_or_404(photo_id)
    if variant == "original":
        if not (is_triage_for(photo) and photo.has_original):
            abort(404)
        return _send(original_name(photo.original_digest))
    # Until the worker made them there are no renditions, and the raw upload is never served.
    if not (photo.is_ready and _may_see(photo)):
        abort(404)
    web_name, thumb_name = photo_names(photo.digest)
    return _send(web_name if variant == "web" else thumb_name)


# Placeholders one status request answers; a page with more asks again for the rest.
MAX_STATUS_IDS = 50


@bp.get("/status.json")
def status():
    """How photos still being processed are doing, for static/js/photo-pending.js to turn a
    placeholder into the picture without a reload: `?id=1&id=2` gives {"photos": {"1":
    {"status": "processing" | "failed"} or {"status": "ready", "web": [w, h], "thumb": [w, h]}}}.

    One request for every placeholder on the page, the photos and their observations read by
    primary key. Photos this browser may not follow are left out, with no hint that they exist;
    a ready photo it may not see (hidden meanwhile) likewise.
    """
    # Only ids a database integer holds: PostgreSQL refuses a larger one with an error.
    ids = [i for i in request.args.getlist("id", type=int) if 0 < i < 2**31][:MAX_STATUS_IDS]
    query = select(Photo).where(Photo.id.in_(ids)).options(selectinload(Photo.observation))
    found = db.session.scalars(query) if ids else []
    photos = {}
    for photo in found:
        if photo.is_ready and _may_see(photo):
            photos[str(photo.id)] = {
                "status": "ready",
                "web": [photo.width, photo.height],
                "thumb": [photo.thumb_width, photo.thumb_height],
            }
        elif not photo.is_ready and _may_follow(photo):
            photos[str(photo.id)] = {"status": photo.status}
    response = jsonify(photos=photos)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="public-photo")


def public_photo_url(photo: Photo, variant: str = "web", absolute: bool = False) -> str | None:
    """An unguessable link to the blurred rendition for pages without a login (follow-up
    reports, Open311, PDFs; also outside a request); None when the photo must not be shown
    publicly (hidden by staff, or stored before blurring existed)."""
    if not photo.is_public:
        return None
    path = path_for("media.public_photo", token=_signer().dumps(photo.id), variant=variant)
    return base_url() + path if absolute else path


bp.add_app_template_global(public_photo_url)


@bp.get("/p/<token>/<any(web, thumb):variant>.jpg")
def public_photo(token: str, variant: str):
    """:raise 404: a bad link, or a photo that is hidden or not blurred."""
    try:
        photo_id = _signer().loads(token)
    except BadSignature:
        abort(404)
    photo = db.session.get(Photo, photo_id) if isinstance(photo_id, int) else None
    if photo is None or not photo.is_public:
        abort(404)
    web_name, thumb_name = photo_names(photo.digest)
    return _send(web_name if variant == "web" else thumb_name)


def _triage_photo_or_404(photo_id: int) -> Photo:
    """:raise 404: unknown, or not this user's to triage (guests are sent to the login)."""
    if not current_user.is_authenticated:
        from fieldapp.extensions import login_manager

        abort(login_manager.unauthorized())
    photo = _photo_or_404(photo_id)
    if not is_triage_for(photo):
        abort(404)
    return photo


def _render_privacy(photo: Photo, region_form=None, code: int = 200):
    auto = sum(1 for r in photo.blur_regions or [] if r.get("by") == "auto")
    return (
        render_template(
            "media/privacy.html",
            photo=photo,
            form=region_form or BlurRegionForm(),
            visibility=PhotoVisibilityForm(hide="0" if photo.hidden else "1"),
            auto_count=auto,
            staff_count=len(photo.blur_regions or []) - auto,
            retention_days=current_app.config["ORIGINAL_PHOTO_RETENTION_DAYS"],
        ),
        code,
    )


@bp.get("/<int:photo_id>/privacy")
def privacy(photo_id: int):
    """Staff page to blur a missed face or plate by hand, or hide the photo."""
    return _render_privacy(_triage_photo_or_404(photo_id))


@bp.post("/<int:photo_id>/blur")
def add_region(photo_id: int):
    """:raise 404: not this user's photo. A bad rectangle re-renders the page with a 400."""
    photo = _triage_photo_or_404(photo_id)
    form = BlurRegionForm()
    if not form.validate_on_submit():
        return _render_privacy(photo, form, 400)
    if not photo.is_ready:
        # Nothing to blur yet; the worker blurs what it finds, then staff can add to it.
        flash(_("The photo is still being processed. Try again in a moment."), "error")
        return _render_privacy(photo, form, 409)
    storage = get_storage()
    try:
        replaced = add_blur_region(db.session, storage, photo, form.region())
    except S3StorageError as exc:
        photos_not_stored(exc)  # the numbers typed stay in the form
        return retry_later(_render_privacy(photo, form))
    db.session.commit()
    for digest in replaced:
        discard_public(db.session, storage, digest)
    flash(_("The area is blurred in every public copy of the photo."), "success")
    return redirect(url_for("media.privacy", photo_id=photo.id))


@bp.post("/<int:photo_id>/visibility")
def visibility(photo_id: int):
    """:raise 404: not this user's photo. :raise 400: a forged form."""
    photo = _triage_photo_or_404(photo_id)
    form = PhotoVisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    photo.hidden = form.hide.data == "1"
    db.session.commit()
    if photo.hidden:
        flash(_("The photo is hidden. Only triage staff can see it."), "success")
    else:
        flash(_("The photo is shown again, with faces and number plates blurred."), "success")
    return redirect(url_for("media.privacy", photo_id=photo.id))
