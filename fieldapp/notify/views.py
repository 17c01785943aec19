"""Staff page of the mail outbox: what waits, what failed and why, and "retry now"."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.auth.permissions import coordinator_required
from fieldapp.extensions import db
from fieldapp.notify.forms import RetryForm
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import messages_with_status, problem_count, summary
from fieldapp.notify.smtp import MailSettings, make_sender
from fieldapp.notify.urls import ISSUE_PATH
from fieldapp.notify.worker import deliver_one
from fieldapp.orgs.models import Administration

bp = Blueprint("notify", __name__, url_prefix="/mail")


@bp.app_template_global()
def mail_problem_count() -> int:
    """Failed mail plus mail waiting for a retry, for a badge on coordinators' pages."""
    return problem_count(db.session)


def _issue_link(ref: str) -> str | None:
    kind, _sep, ident = ref.partition(":")
    return ISSUE_PATH.format(id=int(ident)) if kind == "issue" and ident.isdigit() else None


@bp.get("/")
@coordinator_required
def index():
    admins_without_email = db.session.scalars(
        select(Administration)
        .where(Administration.active.is_(True), Administration.emails == "")
        .order_by(Administration.name)
    ).all()
    return render_template(
        "notify/outbox.html",
        counts=summary(db.session),
        failed=messages_with_status(db.session, "failed"),
        pending=messages_with_status(db.session, "pending"),
        sent=messages_with_status(db.session, "sent", limit=20),
        admins_without_email=admins_without_email,
        console=not MailSettings.from_config(current_app.config).server,
        issue_link=_issue_link,
        retry_form=RetryForm(),
    )


@bp.post("/<int:message_id>/retry")
@coordinator_required
def retry(message_id: int):
    """Try to deliver one message right away and say how it went.

    :raise 404: unknown message. :raise 400: bad CSRF token.
    """
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    if not RetryForm().validate_on_submit():
        abort(400)
    with make_sender(current_app.config) as send:
        outcome = deliver_one(db.session, message_id, send)
    if outcome is None:
        flash(_("That message was already sent or is being sent right now."), "info")
    elif outcome.result == "sent":
        flash(_("The message was sent."), "success")
    else:
        flash(_("Sending failed again: %(error)s", error=outcome.error), "error")
    return redirect(url_for("notify.index"))
