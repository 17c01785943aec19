"""Coordinators triage observations into issues: the list + map page and "create issue".

Issue pages live in issue_views.py and the administrations' queue in queue_views.py; all
three register on the blueprint in blueprint.py, exported here for the app factory.
"""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth.permissions import coordinator_required
from fieldapp.errors import abort_with
from fieldapp.extensions import db
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.triage import (  # noqa: F401  (their routes join bp)
    after_photo_views,
    issue_views,
    map_views,
    queue_views,
)
from fieldapp.triage.access import actor_for
from fieldapp.triage.blueprint import bp
from fieldapp.triage.duplicates import suggest_duplicates
from fieldapp.triage.filters import Filters, parse_filters
from fieldapp.triage.forms import CreateIssueForm
from fieldapp.triage.paging import BadCursor
from fieldapp.triage.queries import (
    COUNT_CAP,
    list_page,
    tab_counts,
)
from fieldapp.triage.services import TriageError, create_issue, draft_issue, loose_observations
from fieldapp.triage.view_helpers import (
    administration_choices,
    duplicate_radius,
    error_message,
    filter_options,
    notifier,
    template_values,
    timezone,
    translated_errors,
)
from fieldapp.triage.workflow import WorkflowError, change_status

__all__ = ["bp"]


def load_page(filters: Filters, errors: dict[str, str]):
    """The page for the request's cursor; a bad cursor starts from the first page (with a 400)."""
    try:
        return list_page(db.session, filters, timezone(), cursor=request.args.get("after"))
    except BadCursor:
        errors["after"] = _("The page link is broken or old; showing the first page.")
        return list_page(db.session, filters, timezone())


@bp.get("/")
@coordinator_required
def index():
    filters, errors = parse_filters(request.args)
    errors = translated_errors(errors)
    options = filter_options(filters.walk_id)
    if filters.area_id and filters.area_id not in {a.id for a in options["areas"]}:
        errors["area"] = _("Choose an area from the list.")
        filters = replace(filters, area_id=None)
    page = load_page(filters, errors)
    return render_template(
        "triage/index.html",
        filters=filters,
        params=filters.to_params(),
        filtered=bool(filters.to_params(Filters(kind=filters.kind, sort=filters.sort))),
        errors=errors,
        page=page,
        counts=tab_counts(db.session),
        COUNT_CAP=COUNT_CAP,
        options=options,
        geojson_url=url_for("triage.map_geojson", **filters.to_params(Filters(kind=""))),
        **template_values(),
    ), 400 if errors else 200


def selected_ids(values: list[str]) -> list[int]:
    """Observation ids from checkboxes; :raise 400: anything but positive whole numbers."""
    try:
        ids = [int(v) for v in values if v.strip()]
    except ValueError:
        abort_with(400, _("The selection is not valid. Reload the list and select again."))
    if any(i <= 0 for i in ids):
        abort_with(400, _("The selection is not valid. Reload the list and select again."))
    return ids


def _create_page(observations, form, status: int = 200, error: str | None = None):
    points = [(o.category, o.lat, o.lon) for o in observations]
    suggestions = suggest_duplicates(
        db.session,
        points,
        duplicate_radius(),
        exclude_observation_ids=[o.id for o in observations],
    )
    return render_template(
        "triage/new_issue.html",
        observations=observations,
        form=form,
        suggestions=suggestions,
        radius=duplicate_radius(),
        error=error,
        **template_values(),
    ), status


@bp.route("/issues/new", methods=["GET", "POST"])
@coordinator_required
def new_issue():
    """Make an issue of the selected observations, optionally forwarding it at once."""
    ids = selected_ids(request.values.getlist("obs"))
    try:
        observations = loose_observations(db.session, ids)
    except TriageError as exc:
        if request.method == "GET" and exc.code == "nothing_selected":
            flash(_("Select one or more observations first."), "error")
            return redirect(url_for("triage.index"))
        abort_with(400, error_message(exc.code))

    form = CreateIssueForm()
    form.administration_id.choices = administration_choices(_("— decide later —"))
    if request.method == "GET":
        draft = draft_issue(db.session, observations, lambda code: _(CATEGORY_BY_CODE[code].label))
        for name in ("title", "description", "category", "priority", "lat", "lon"):
            getattr(form, name).data = getattr(draft, name)
        form.administration_id.data = draft.administration_id
        return _create_page(observations, form)

    if not form.validate_on_submit():
        return _create_page(observations, form, 400)
    actor = actor_for(current_user)
    forward = request.form.get("action") == "forward"
    try:
        issue = create_issue(
            db.session,
            observations,
            actor,
            title=form.title.data,
            description=form.description.data,
            category=form.category.data,
            priority=form.priority.data,
            lat=form.lat.data,
            lon=form.lon.data,
        )
        if forward:
            change_status(
                db.session,
                issue,
                actor,
                "forwarded",
                administration_id=form.administration_id.data,
                notify=notifier(),
            )
    except (TriageError, WorkflowError) as exc:
        db.session.rollback()
        observations = loose_observations(db.session, ids)
        if getattr(exc, "code", "") == "administration_required":
            form.administration_id.errors = [error_message(exc.code)]
            return _create_page(observations, form, 400)
        return _create_page(observations, form, 400, error=error_message(exc.code))
    db.session.commit()
    if forward:
        flash(_("The issue is created and forwarded."), "success")
    else:
        flash(_("The issue is created."), "success")
    return redirect(url_for("triage.issue", issue_id=issue.id))
