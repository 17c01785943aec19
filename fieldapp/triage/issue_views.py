"""One issue: what was observed, its audit trail, editing, status changes and merging."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from fieldapp.audit.web import log_issue_view
from fieldapp.auth.permissions import coordinator_required
from fieldapp.capture.uploads import ask_for_photos_again, process_uploads
from fieldapp.errors import abort_with, photos_not_stored, retry_later
from fieldapp.extensions import db
from fieldapp.media.s3_storage import S3StorageError
from fieldapp.media.views import get_storage
from fieldapp.orgs.owner_forms import OwnerForm, owner_choices_for
from fieldapp.orgs.ownership import OwnershipError, release_foreign_owner, set_owner
from fieldapp.paging import Page, requested_page
from fieldapp.routing.services import resolve_administration
from fieldapp.triage.access import actor_for, can_view_issue, get_issue_or_404, triage_user_required
from fieldapp.triage.after_photos import add_after_photos
from fieldapp.triage.blueprint import bp
from fieldapp.triage.duplicates import MergeError, merge_into, suggestions_for_issue
from fieldapp.triage.forms import ActionForm, AfterPhotosForm, IssueFieldsForm, StatusForm
from fieldapp.triage.models import Issue
from fieldapp.triage.queries import map_features
from fieldapp.triage.services import TriageError, edit_issue, issue_observations
from fieldapp.triage.view_helpers import (
    administration_choices,
    duplicate_radius,
    error_message,
    notifier,
    template_values,
)
from fieldapp.triage.workflow import (
    STATUS_LABELS,
    WorkflowError,
    allowed_transitions,
    change_status,
)

# Which field a workflow error belongs to, so the message sits next to it.
ERROR_FIELDS = {
    "unknown_status": "to_status",
    "not_allowed": "to_status",
    "reason_required": "public_comment",
    "administration_required": "administration_id",
}
# Marked duplicate by merging (which records the target), never by picking a status.
NOT_OFFERED = frozenset({"duplicate"})


def status_form(issue: Issue, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata)
    actor = actor_for(current_user)
    offered = [s for s in allowed_transitions(issue, actor) if s not in NOT_OFFERED]
    form.to_status.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(s, _(STATUS_LABELS[s])) for s in offered
    ]
    if current_user.can_coordinate:
        form.administration_id.choices = administration_choices(_("— choose —"))
        if formdata is None:
            form.administration_id.data = issue.administration_id or _rule_choice(issue)
    else:
        form.administration_id.choices = [SelectChoice("", "—")]
    return form


def _rule_choice(issue: Issue) -> int | None:
    admin = resolve_administration(db.session, issue.category, issue.lat, issue.lon, issue.area_id)
    return admin.id if admin else None


def edit_form(issue: Issue, formdata=None) -> IssueFieldsForm:
    return IssueFieldsForm(formdata=formdata, obj=None if formdata else issue)


def owner_form(issue: Issue, formdata=None) -> OwnerForm:
    form = OwnerForm(formdata=formdata)
    form.owner_id.choices = owner_choices_for(db.session, issue.administration_id)
    if formdata is None:
        form.owner_id.data = issue.owner_id
    return form


def render_issue(
    issue: Issue,
    *,
    status=None,
    edit=None,
    owner=None,
    photos=None,
    error: str | None = None,
    code=200,
    observations: Page | None = None,
):
    """The issue page, with one page of its observations (`?page=`, newest first)."""
    coordinator = current_user.can_coordinate
    suggestions = None
    if coordinator and issue.status != "duplicate":
        suggestions = suggestions_for_issue(db.session, issue, duplicate_radius())
    duplicate_of = db.session.get(Issue, issue.duplicate_of_id) if issue.duplicate_of_id else None
    if observations is None:
        observations = issue_observations(db.session, issue, requested_page())
    issue_url = lambda issue_id: url_for("triage.issue", issue_id=issue_id)  # noqa: E731
    map_data = {
        "type": "FeatureCollection",
        "features": map_features([issue], "issues", issue_url)
        + map_features(observations.rows, "observations", issue_url),
    }
    return render_template(
        "triage/issue.html",
        issue=issue,
        observations=observations,
        map_data=map_data,
        events=issue.events,
        coordinator=coordinator,
        status_form=status or status_form(issue),
        edit_form=(edit or edit_form(issue)) if coordinator else None,
        owner_form=owner or owner_form(issue),
        photos_form=photos or AfterPhotosForm(),
        suggestions=suggestions,
        radius=duplicate_radius(),
        duplicate_of=duplicate_of,
        error=error,
        **template_values(),
    ), code


@bp.get("/issues/<int:issue_id>")
@triage_user_required
def issue(issue_id: int):
    issue = get_issue_or_404(issue_id)
    observations = issue_observations(db.session, issue, requested_page())
    page = render_issue(issue, observations=observations)
    log_issue_view(issue, observations.rows, shows_contacts=current_user.can_coordinate)
    return page


@bp.post("/issues/<int:issue_id>/status")
@triage_user_required
def set_status(issue_id: int):
    """:raise 404: staff acting on another administration's issue."""
    issue = get_issue_or_404(issue_id)
    form = status_form(issue, formdata=request.form)
    if not form.validate_on_submit():
        if not form.to_status.data and not form.to_status.errors:
            form.to_status.errors = [_("Choose the new status.")]
        return render_issue(issue, status=form, code=400)
    if not form.to_status.data:
        form.to_status.errors = [_("Choose the new status.")]
        return render_issue(issue, status=form, code=400)
    # A refused photo stops the whole change, so nothing half-done is saved; the texts stay.
    photos, photo_errors = process_uploads(
        request.files.getlist(form.after_photos.name), for_issue=True
    )
    if photo_errors:
        form.after_photos.errors = photo_errors
        return render_issue(issue, status=form, code=400)
    to_status = form.to_status.data
    try:
        change_status(
            db.session,
            issue,
            actor_for(current_user),
            to_status,
            public_comment=form.public_comment.data or "",
            internal_note=form.internal_note.data or "",
            administration_id=form.administration_id.data if current_user.can_coordinate else None,
            notify=notifier(),
        )
    except WorkflowError as exc:
        db.session.rollback()
        issue = get_issue_or_404(issue_id)
        form.to_status.choices = status_form(issue).to_status.choices
        getattr(form, ERROR_FIELDS.get(exc.code, "to_status")).errors = [error_message(exc.code)]
        return render_issue(issue, status=form, code=400)
    if photos:
        try:
            add_after_photos(db.session, get_storage(), issue, photos, current_user.id)
        except S3StorageError as exc:
            photos_not_stored(exc)  # the status change is undone with them; the texts stay
            ask_for_photos_again(form.after_photos)
            return retry_later(render_issue(issue, status=form))
    # Forwarded elsewhere: the owner stays only if they belong to the new organisation.
    release_foreign_owner(db.session, issue, current_user, _("Forwarded to another organisation."))
    db.session.commit()
    flash(_("Status changed to “%(status)s”.", status=_(STATUS_LABELS[to_status])), "success")
    if not can_view_issue(current_user, issue):
        # Staff who declined the issue: it has left their queue.
        return redirect(url_for("triage.queue"))
    return redirect(url_for("triage.issue", issue_id=issue.id))


@bp.post("/issues/<int:issue_id>/owner")
@triage_user_required
def set_issue_owner(issue_id: int):
    """Coordinators, and staff of the issue's organisation, name its owner.

    :raise 404: staff acting on another administration's issue.
    """
    issue = get_issue_or_404(issue_id)
    form = owner_form(issue, formdata=request.form)
    if not form.validate_on_submit():
        return render_issue(issue, owner=form, code=400)
    try:
        changed = set_owner(db.session, issue, form.owner_id.data, current_user)
    except OwnershipError as exc:
        db.session.rollback()
        issue = get_issue_or_404(issue_id)
        form.owner_id.errors = [_(exc.message, **exc.params)]
        return render_issue(issue, owner=form, code=400)
    db.session.commit()
    flash(_("The owner is saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("triage.issue", issue_id=issue.id))


@bp.post("/issues/<int:issue_id>/edit")
@coordinator_required
def edit(issue_id: int):
    issue = get_issue_or_404(issue_id)
    form = edit_form(issue, formdata=request.form)
    if not form.validate_on_submit():
        return render_issue(issue, edit=form, code=400)
    labels = {
        name: str(form[name].label.text)
        for name in ("title", "description", "category", "priority")
    }
    try:
        event = edit_issue(
            db.session,
            issue,
            actor_for(current_user),
            {name: form[name].data for name in labels},
            describe=lambda changed: _(
                "Changed: %(fields)s", fields=", ".join(labels[c] for c in changed)
            ),
        )
    except TriageError as exc:
        db.session.rollback()
        return render_issue(
            get_issue_or_404(issue_id), edit=form, error=error_message(exc.code), code=400
        )
    db.session.commit()
    flash(_("The issue is saved.") if event else _("Nothing was changed."), "success")
    return redirect(url_for("triage.issue", issue_id=issue.id))


def _ids(name: str) -> list[int]:
    try:
        ids = [int(v) for v in request.form.getlist(name) if v.strip()]
    except ValueError:
        abort_with(400, _("The selection is not valid. Reload the page and try again."))
    if any(i <= 0 for i in ids):
        abort_with(400, _("The selection is not valid. Reload the page and try again."))
    return ids


def _describe_merge(observation_ids: list[int], issue_ids: list[int]) -> str:
    obs = ", ".join(f"#{i}" for i in observation_ids)
    issues = ", ".join(f"#{i}" for i in issue_ids)
    if obs and issues:
        return _(
            "Merged observations %(obs)s and issues %(issues)s into this issue.",
            obs=obs,
            issues=issues,
        )
    if obs:
        return _("Merged observations %(obs)s into this issue.", obs=obs)
    return _("Merged issues %(issues)s into this issue.", issues=issues)


@bp.post("/issues/<int:issue_id>/merge")
@coordinator_required
def merge(issue_id: int):
    """Merge loose observations (`observation_id`) and issues (`issue_id`) into this issue."""
    issue = get_issue_or_404(issue_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort_with(
            400, _("The form expired or was sent twice. Please reload the page and try again.")
        )
    observation_ids, issue_ids = _ids("observation_id"), _ids("issue_id")
    try:
        merge_into(
            db.session,
            issue,
            actor_for(current_user),
            observation_ids=observation_ids,
            issue_ids=issue_ids,
            notify=notifier(),
            describe=_describe_merge,
            describe_source=lambda target: _("Merged into issue #%(id)d.", id=target),
        )
    except (MergeError, WorkflowError) as exc:
        db.session.rollback()
        return render_issue(get_issue_or_404(issue_id), error=error_message(exc.code), code=400)
    db.session.commit()
    flash(_("Merged into this issue. All photos and texts are kept."), "success")
    return redirect(url_for("triage.issue", issue_id=issue.id))
