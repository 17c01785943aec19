"""Joining a walk from its QR code: no account, just a role and an optional name."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from fieldapp.extensions import db, limiter
from fieldapp.walks.forms import JoinForm
from fieldapp.walks.models import Walk
from fieldapp.walks.participation import current_participant, remember_participant
from fieldapp.walks.services import join_participant

bp = Blueprint("join", __name__)


# Built once: every submission looks its walk up, and building the query cost more CPU than
# running it (bench/submit.py).
_BY_TOKEN = select(Walk).where(Walk.join_token == bindparam("token"))


def get_walk_by_token_or_404(token: str) -> Walk:
    """:raise 404: unknown token (the same answer for a mistyped and a guessed one)."""
    walk = db.session.execute(_BY_TOKEN, {"token": token}).scalar_one_or_none()
    if walk is None:
        abort(404)
    return walk


@bp.route("/j/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def join(token: str):
    walk = get_walk_by_token_or_404(token)
    if current_participant(walk) is not None:
        return redirect(url_for("capture.new", token=token))
    form = JoinForm()
    if not walk.accepts_observations:
        error = _(
            "This walk is closed. Thank you for your interest; no new observations can be added."
        )
        return render_template("walks/join.html", walk=walk, form=None, closed_message=error), (
            409 if form.is_submitted() else 200
        )
    if form.validate_on_submit():
        participant = join_participant(
            db.session,
            walk,
            form.role.data,
            form.display_name.data,
            # The form refuses an address without the consent box, so an address means consent.
            email=form.email.data if form.report_consent.data else None,
            locale=str(get_locale() or ""),
        )
        db.session.commit()
        remember_participant(participant)
        return redirect(url_for("capture.new", token=token))
    return render_template("walks/join.html", walk=walk, form=form), 400 if form.errors else 200
