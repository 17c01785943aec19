"""The JSON submit endpoint the phone's offline outbox sends to (static/js/outbox.js).

Same fields as the capture form, answered in JSON, and built for resending: every request
carries the phone's client key, and a repeat returns the first result instead of a duplicate.
A refused photo does not cost the observation: it is saved with the photos that passed and
the refusals are listed per file, because the phone may have nothing left to send again.

Its own blueprint rather than routes on `capture.bp`: registering routes from a second module on
that blueprint would need an import for its side effect. Clients send `Accept: application/json`
so the central error handler (fieldapp/errors.py) answers 404, 413 and 429 in JSON too.
"""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from fieldapp.capture.forms import ObservationForm
from fieldapp.capture.models import Observation
from fieldapp.capture.services import WalkClosed, create_observation, find_by_client_key
from fieldapp.capture.uploads import process_uploads
from fieldapp.capture.views import closed_message
from fieldapp.extensions import db, limiter
from fieldapp.media.photos import Upload
from fieldapp.media.views import get_storage
from fieldapp.walks.join_views import get_walk_by_token_or_404
from fieldapp.walks.participation import walk_and_participant_or_404

bp = Blueprint("capture_api", __name__, url_prefix="/w/<token>/api")

CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@bp.errorhandler(CSRFError)
def csrf_failed(exc: CSRFError):
    # `csrf: true` tells the outbox to fetch a fresh token and try once more.
    message = _("The form expired or was sent twice. Please reload the page and try again.")
    return jsonify(error=message, csrf=True), 400


@bp.get("/csrf")
def csrf_token(token: str):
    """A fresh CSRF token for a capture page that was opened from the offline cache long ago."""
    get_walk_by_token_or_404(token)
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


def _process_each(files: list[FileStorage]) -> tuple[list[Upload], list[dict]]:
    """Process the chosen files one by one: one refused photo does not cost the others."""
    chosen = [f for f in files if f and f.filename]
    accepted: list[Upload] = []
    refused: list[dict] = []
    for upload in chosen:
        # `already` makes files past the per-observation limit refused with the usual message.
        photos, errors = process_uploads([upload], already=len(accepted))
        accepted += photos
        refused += [{"name": upload.filename, "message": message} for message in errors]
    return accepted, refused


def _summary(observation: Observation, accepted: int | None = None) -> dict:
    """The answer's fields, read before the commit expires them (no reload queries after it);
    `accepted`: the photos just attached, known without loading the collection."""
    return {
        "id": observation.id,
        "tracking_code": observation.tracking_code,
        "accepted": len(observation.photos) if accepted is None else accepted,
    }


def _result(summary: dict, created: bool, refused: list[dict], status: int):
    return jsonify(
        id=summary["id"],
        tracking_code=summary["tracking_code"],
        created=created,
        photos={"accepted": summary["accepted"], "refused": refused},
    ), status


def _repeat_or(client_key: str, participant_id: int):
    """The first result for a resent key, or None for a new one; a key of someone else's
    observation reveals nothing."""
    observation = find_by_client_key(db.session, client_key)
    if observation is None:
        return None
    if observation.participant_id != participant_id:
        return jsonify(error=_("This observation cannot be sent. Please write it again.")), 409
    return _result(_summary(observation), created=False, refused=[], status=200)


@bp.post("/observations")
@limiter.limit("60 per minute")
def submit(token: str):
    """Create an observation from the outbox: 201, or 200 with the first result for a repeat.

    A repeat is found by inserting: the unique client key refuses it, and only then is the first
    observation read. Resends are rare, so no lookup before every insert; but a refusal (closed
    walk, field errors) and photos to process, which cost far more than a lookup, look the key
    up first, so that a resend still gets its receipt and never processes its photos again.

    :raise 404: unknown walk. Answers 403 (not joined on this phone), 409 (walk closed) and
        400 (field errors) in JSON.
    """
    walk, participant = walk_and_participant_or_404(token)
    if participant is None:
        return jsonify(
            error=_("This phone is no longer joined to the walk. Join again, then send."),
            join_url=url_for("join.join", token=token),
        ), 403
    client_key = request.form.get("client_key", "")
    if not CLIENT_KEY.match(client_key):
        return jsonify(errors={"client_key": [_("The observation has no valid key.")]}), 400
    participant_id = participant.id  # a rollback below expires the participant
    if not walk.accepts_observations:
        return _repeat_or(client_key, participant_id) or (jsonify(error=closed_message()), 409)
    form = ObservationForm()
    if not form.validate():
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        refusal = jsonify(error=_("Please check the form"), errors=errors), 400
        return _repeat_or(client_key, participant_id) or refusal
    files = request.files.getlist(form.photos.name)
    if any(f and f.filename for f in files):
        repeat = _repeat_or(client_key, participant_id)
        if repeat:
            return repeat
    photos, refused = _process_each(files)
    try:
        observation, _created = create_observation(
            db.session, get_storage(), walk, participant, form.data, photos, key_checked=True
        )
        summary = _summary(observation, accepted=len(photos))
        db.session.commit()
    except WalkClosed:
        return jsonify(error=closed_message()), 409
    except IntegrityError:
        # A resend (or the same key sent twice at once): answer with the first result.
        db.session.rollback()
        repeat = _repeat_or(client_key, participant_id)
        if repeat is None:
            raise
        return repeat
    return _result(summary, created=True, refused=refused, status=201)
