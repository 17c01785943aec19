"""Admin pages of the audit log: browse with filters (keyset-paged) and download as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_babel import gettext as _

from fieldapp.audit.forms import LogFilterForm
from fieldapp.audit.services import LogFilter, iter_entries, known_actions, page
from fieldapp.audit.web import log_action
from fieldapp.auth.permissions import admin_required
from fieldapp.exports.csv_export import csv_lines
from fieldapp.extensions import db
from fieldapp.taxonomy import N_

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

COLUMNS = (  # labels translated when the header is written
    ("at", N_("Time")),
    ("user_email", N_("User")),
    ("action", N_("Action")),
    ("object_type", N_("Object type")),
    ("object_id", N_("Object number")),
    ("detail", N_("Detail")),
)


def _local_midnight(day: date) -> datetime:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(), tz).astimezone(UTC)


def _filter_form() -> tuple[LogFilterForm, LogFilter | None]:
    """The form from the query string, and the filter; None when the form has errors."""
    form = LogFilterForm(request.args)
    form.action.choices = [("", _("All actions"))] + [(a, a) for a in known_actions(db.session)]
    if request.args and not form.validate():
        return form, None
    log_filter = LogFilter(
        user=(form.user.data or "").strip(),
        action=form.action.data or "",
        object_type=(form.object_type.data or "").strip(),
        object_id=form.object_id.data,
        since=_local_midnight(form.since.data) if form.since.data else None,
        until=_local_midnight(form.until.data + timedelta(days=1)) if form.until.data else None,
    )
    return form, log_filter


@bp.get("/")
@admin_required
def index():
    form, log_filter = _filter_form()
    if log_filter is None:
        return render_template("audit/index.html", form=form, entries=[], next_id=None), 400
    before = request.args.get("before", type=int)
    entries, next_id = page(db.session, log_filter, before)
    args = {k: v for k, v in request.args.items() if k != "before"}
    return render_template(
        "audit/index.html", form=form, entries=entries, next_id=next_id, args=args, paged=before
    )


@bp.get("/audit-log.csv")
@admin_required
def export_csv():
    form, log_filter = _filter_form()
    if log_filter is None:
        return render_template("audit/index.html", form=form, entries=[], next_id=None), 400
    # Downloading the log is itself an action worth answering for.
    log_action("audit.exported", detail={"filter": request.query_string.decode()[:500]})

    def records():
        for entry in iter_entries(db.session, log_filter):
            yield {
                "at": entry.at.isoformat(timespec="seconds"),
                "user_email": entry.user_email,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "detail": entry.detail,
            }

    headers = [_(label) for _key, label in COLUMNS]
    chunks = csv_lines(records(), COLUMNS, headers, sep=";", yes=_("yes"), no=_("no"))
    resp = Response(stream_with_context(chunks), mimetype="text/csv")
    resp.headers["Content-Disposition"] = 'attachment; filename="fieldapp-audit-log.csv"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
