"""The participant's phone pages: add an observation, see and edit their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fieldapp.capture.forms import DeleteObservationForm, DeletePhotoForm, ObservationForm
from fieldapp.capture.models import Observation, Photo
from fieldapp.capture.services import (
    WalkClosed,
    create_observation,
    find_by_client_key,
    observations_geojson,
    participant_observations,
    update_observation,
)
from fieldapp.capture.uploads import ask_for_photos_again, process_uploads
from fieldapp.errors import photos_not_stored, retry_later
from fieldapp.extensions import db, limiter
from fieldapp.media.s3_storage import S3StorageError
from fieldapp.media.views import get_storage
from fieldapp.walks.join_views import get_walk_by_token_or_404
from fieldapp.walks.models import Walk
from fieldapp.walks.participation import current_participant, walk_and_participant_or_404

bp = Blueprint("capture", __name__, url_prefix="/w/<token>")


def closed_message() -> str:
    return _("This walk is closed, so observations can no longer be added or changed.")


def _participant_or_join(walk: Walk):
    participant = current_participant(walk)
    if participant is None:
        return None, redirect(url_for("join.join", token=walk.join_token))
    return participant, None


def _own_observation_or_404(walk: Walk, participant, observation_id: int) -> Observation:
    """:raise 404: not this participant's observation on this walk (no hint that it exists)."""
    observation = db.session.get(Observation, observation_id)
    if (
        observation is None
        or observation.walk_id != walk.id
        or observation.participant_id != participant.id
    ):
        abort(404)
    return observation


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def new(token: str):
    walk, participant = walk_and_participant_or_404(token)  # one query, as the outbox API
    if participant is None:
        return redirect(url_for("join.join", token=walk.join_token))
    form = ObservationForm()
    if not walk.accepts_observations:
        return render_template(
            "capture/form.html", walk=walk, form=form, closed=True
        ), 409 if form.is_submitted() else 200
    if form.validate_on_submit():
        existing = find_by_client_key(db.session, form.client_key.data)
        if existing is not None and existing.participant_id == participant.id:
            return redirect(url_for("capture.mine", token=token, sent=existing.id))
        photos, photo_errors = process_uploads(request.files.getlist(form.photos.name))
        if photo_errors:
            form.photos.errors = photo_errors
        else:
            try:
                observation, _created = create_observation(
                    db.session,
                    get_storage(),
                    walk,
                    participant,
                    form.data,
                    photos,
                    key_checked=existing is None,
                )
            except WalkClosed:
                abort(409)
            except S3StorageError as exc:
                photos_not_stored(exc)
                _ask_for_photos_again(form, storage_failed=True)
                return retry_later(_form_page(walk, form))
            sent_id = observation.id  # read before the commit expires it
            db.session.commit()
            flash(_("Thank you! Your observation is saved."), "success")
            return redirect(url_for("capture.mine", token=token, sent=sent_id))
    _ask_for_photos_again(form)
    return _form_page(walk, form), 400 if form.errors else 200


def _form_page(walk: Walk, form: ObservationForm, observation: Observation | None = None) -> str:
    """The capture form (new or, with `observation`, editing it) as the user left it."""
    return render_template(
        "capture/form.html",
        walk=walk,
        form=form,
        observation=observation,
        delete_photo_form=DeletePhotoForm() if observation is not None else None,
        closed=False,
    )


def _ask_for_photos_again(form: ObservationForm, storage_failed: bool = False) -> None:
    """A page cannot refill a file input: when the form comes back with errors, or because
    the photos could not be stored, say which chosen photos must be chosen again, rather than
    let them vanish.

    Only a browser without the outbox script gets here with photos (static/js/outbox-form.js
    keeps them on the phone and corrects the observation there)."""
    if storage_failed:
        ask_for_photos_again(form.photos)
    elif form.errors:
        ask_for_photos_again(
            form.photos,
            lambda names: _(
                "Choose your photos again after correcting the form: %(names)s.", names=names
            ),
        )


@bp.get("/mine")
def mine(token: str):
    walk = get_walk_by_token_or_404(token)
    participant, redirect_to_join = _participant_or_join(walk)
    if redirect_to_join:
        return redirect_to_join
    observations = participant_observations(db.session, participant)
    sent_id = request.args.get("sent", type=int)
    return render_template(
        "capture/mine.html",
        walk=walk,
        participant=participant,
        observations=observations,
        # The receipt of the observation just sent; only for one of the participant's own.
        receipt=next((o for o in observations if o.id == sent_id), None),
        geojson=observations_geojson(observations, for_staff=False),
        delete_form=DeleteObservationForm(),
    )


@bp.route("/o/<int:observation_id>/edit", methods=["GET", "POST"])
def edit(token: str, observation_id: int):
    walk = get_walk_by_token_or_404(token)
    participant, redirect_to_join = _participant_or_join(walk)
    if redirect_to_join:
        return redirect_to_join
    observation = _own_observation_or_404(walk, participant, observation_id)
    form = ObservationForm(obj=observation)
    if not walk.accepts_observations:
        flash(closed_message(), "error")
        return redirect(url_for("capture.mine", token=token))
    if form.validate_on_submit():
        photos, photo_errors = process_uploads(
            request.files.getlist(form.photos.name), already=len(observation.photos)
        )
        if photo_errors:
            form.photos.errors = photo_errors
        else:
            try:
                update_observation(db.session, get_storage(), observation, form.data, photos)
            except WalkClosed:
                abort(409)
            except S3StorageError as exc:
                photos_not_stored(exc)
                _ask_for_photos_again(form, storage_failed=True)
                return retry_later(_form_page(walk, form, observation))
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("capture.mine", token=token))
    _ask_for_photos_again(form)
    return _form_page(walk, form, observation), 400 if form.errors else 200


@bp.post("/o/<int:observation_id>/delete")
def delete(token: str, observation_id: int):
    walk = get_walk_by_token_or_404(token)
    participant, redirect_to_join = _participant_or_join(walk)
    if redirect_to_join:
        return redirect_to_join
    observation = _own_observation_or_404(walk, participant, observation_id)
    if not DeleteObservationForm().validate_on_submit():
        abort(400)
    if not walk.accepts_observations:
        flash(closed_message(), "error")
    else:
        db.session.delete(observation)
        db.session.commit()
        flash(_("The observation is deleted."), "success")
    return redirect(url_for("capture.mine", token=token))


@bp.post("/o/<int:observation_id>/photos/<int:photo_id>/delete")
def delete_photo(token: str, observation_id: int, photo_id: int):
    walk = get_walk_by_token_or_404(token)
    participant, redirect_to_join = _participant_or_join(walk)
    if redirect_to_join:
        return redirect_to_join
    observation = _own_observation_or_404(walk, participant, observation_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.observation_id != observation.id:
        abort(404)
    if not DeletePhotoForm().validate_on_submit():
        abort(400)
    if not walk.accepts_observations:
        flash(closed_message(), "error")
    else:
        db.session.delete(photo)
        db.session.commit()
        flash(_("The photo is removed."), "success")
    return redirect(url_for("capture.edit", token=token, observation_id=observation.id))
