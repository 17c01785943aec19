""" "After" photos added to an issue on their own (with a status change they come through
issue_views.set_status): staff of the responsible administration and coordinators."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fieldapp.capture.uploads import process_uploads
from fieldapp.extensions import db
from fieldapp.media.views import get_storage
from fieldapp.triage.access import get_issue_or_404, triage_user_required
from fieldapp.triage.after_photos import add_after_photos
from fieldapp.triage.blueprint import bp
from fieldapp.triage.forms import AfterPhotosForm
from fieldapp.triage.issue_views import render_issue


@bp.post("/issues/<int:issue_id>/after-photos")
@triage_user_required
def add_photos(issue_id: int):
    """:raise 404: staff of another administration. A refused file re-renders with a 400."""
    issue = get_issue_or_404(issue_id)
    form = AfterPhotosForm()
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return render_issue(issue, photos=form, code=400)
    photos, errors = process_uploads(request.files.getlist(form.photos.name), for_issue=True)
    if not photos and not errors:
        errors = [_("Choose at least one photo.")]
    if errors:
        form.photos.errors = errors
        return render_issue(issue, photos=form, code=400)
    add_after_photos(db.session, get_storage(), issue, photos, current_user.id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d after photo is added. Reporters see it blurred.",
            "%(num)d after photos are added. Reporters see them blurred.",
            len(photos),
        ),
        "success",
    )
    return redirect(url_for("triage.issue", issue_id=issue.id) + "#after-photos")
