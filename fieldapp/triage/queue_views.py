"""An administration's work queue: its issues, overdue first, as a list and a map."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select

from fieldapp.db import utcnow
from fieldapp.errors import abort_with
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.triage.access import is_staff, triage_user_required
from fieldapp.triage.blueprint import bp
from fieldapp.triage.filters import Filters, parse_filters
from fieldapp.triage.models import Issue
from fieldapp.triage.paging import BadCursor
from fieldapp.triage.queries import list_page
from fieldapp.triage.view_helpers import administrations, template_values, timezone

QUEUE_DEFAULTS = Filters(kind="issues", status="active", sort="due")
# What staff may narrow their queue to; the triage page offers more.
QUEUE_STATUSES = ("active", "forwarded", "in_progress", "resolved", "all")


def queue_overview() -> list[tuple[Administration, int, int]]:
    """Every administration with its number of active and of overdue issues (coordinators)."""
    active = ("forwarded", "in_progress")
    rows = db.session.execute(
        select(
            Issue.administration_id,
            func.count(),
            func.sum(case((Issue.due_at < utcnow(), 1), else_=0)),
        )
        .where(Issue.status.in_(active), Issue.administration_id.is_not(None))
        .group_by(Issue.administration_id)
    ).all()
    counts = {admin_id: (total, overdue or 0) for admin_id, total, overdue in rows}
    return [(a, *counts.get(a.id, (0, 0))) for a in administrations()]


@bp.get("/queue")
@triage_user_required
def queue():
    """Staff: their administration's queue. Coordinators: any, by ?administration=<id>."""
    if is_staff(current_user):
        admin_id = current_user.administration_id
        if admin_id is None:
            abort_with(403, _("Your account is not linked to an administration. Ask an admin."))
    else:
        raw = request.args.get("administration", "")
        if not raw:
            return render_template("triage/queue_overview.html", rows=queue_overview())
        if not raw.isdigit():
            abort_with(400, _("Choose an administration from the list."))
        admin_id = int(raw)
    administration = db.session.get(Administration, admin_id)
    if administration is None:
        abort(404)

    filters, errors = parse_filters(request.args, QUEUE_DEFAULTS)
    if filters.status not in QUEUE_STATUSES:
        errors["status"] = "Choose a status from the list."
        filters = replace(filters, status=QUEUE_DEFAULTS.status)
    filters = replace(filters, kind="issues", administration_id=admin_id)
    errors = {name: _(msg) for name, msg in errors.items()}
    try:
        page = list_page(db.session, filters, timezone(), cursor=request.args.get("after"))
    except BadCursor:
        errors["after"] = _("The page link is broken or old; showing the first page.")
        page = list_page(db.session, filters, timezone())
    link_defaults = replace(QUEUE_DEFAULTS, administration_id=admin_id)
    params = filters.to_params(link_defaults)
    if not is_staff(current_user):
        params["administration"] = str(admin_id)
    return render_template(
        "triage/queue.html",
        administration=administration,
        filters=filters,
        params=params,
        errors=errors,
        page=page,
        staff=is_staff(current_user),
        queue_statuses=QUEUE_STATUSES,
        geojson_url=url_for("triage.map_geojson", **filters.to_params(Filters(kind=""))),
        **template_values(),
    ), 400 if errors else 200
