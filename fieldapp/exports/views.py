"""Downloads: CSV and GeoJSON with the triage filters, and the yearly area report.

Coordinators only. Files are streamed: the response body is a generator that reads one
keyset page at a time, so a large export never sits in memory.
"""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from fieldapp.areas.models import Area
from fieldapp.areas.services import list_areas
from fieldapp.audit.web import log_action
from fieldapp.auth.permissions import coordinator_required
from fieldapp.db import utcnow
from fieldapp.errors import abort_with
from fieldapp.exports import period_views
from fieldapp.exports.csv_export import (
    ISSUE_COLUMNS,
    OBSERVATION_COLUMNS,
    csv_lines,
    issue_record,
    iter_filtered,
    observation_record,
)
from fieldapp.exports.geojson_export import geojson_chunks
from fieldapp.exports.periods import COUNT_LABELS, FIRST_REPORT_YEAR
from fieldapp.exports.report import area_report
from fieldapp.extensions import db
from fieldapp.plans.models import ACTION_STATUS_LABELS
from fieldapp.stats.analyses import DATE_RANGE
from fieldapp.stats.formatting import criterion_template_values, local_tz, today
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.triage.filters import Filters, parse_filters
from fieldapp.triage.view_helpers import filter_options, template_values
from fieldapp.triage.workflow import STATUS_LABELS as ISSUE_STATUS_LABELS

bp = Blueprint("exports", __name__, url_prefix="/exports")
bp.register_blueprint(period_views.bp)
SEPARATORS = {"semicolon": ";", "comma": ","}


def _label(kind: str, code: str) -> str:
    if kind == "category":
        return _(CATEGORY_BY_CODE[code].label) if code in CATEGORY_BY_CODE else code
    return _(ISSUE_STATUS_LABELS[code]) if code in ISSUE_STATUS_LABELS else code


def _filters(kind: str) -> Filters:
    """The triage filters from the query; :raise 400: with the messages, as triage would."""
    filters, errors = parse_filters(request.args, Filters(kind=kind))
    if errors:
        abort_with(400, " ".join(_(message) for message in errors.values()))
    # Checked before streaming starts: a year-1 date would fail half-way through the file.
    low, high = DATE_RANGE
    if any(d and not low <= d <= high for d in (filters.date_from, filters.date_to)):
        abort_with(400, _("Choose a date between 1990 and 2100."))
    return replace(filters, kind=kind)


@bp.get("/")
@coordinator_required
def index():
    filters, errors = parse_filters(request.args)
    params = filters.to_params(Filters(kind=filters.kind))  # the path says the kind
    downloads = [
        (_("CSV for Danish Excel (semicolon)"), url_for(f".{filters.kind}_csv", **params)),
        (_("CSV with commas"), url_for(f".{filters.kind}_csv", sep="comma", **params)),
        (
            _("GeoJSON for maps (only rows with a position)"),
            url_for(f".{filters.kind}_geojson", **params),
        ),
    ]
    year = today().year
    return render_template(
        "exports/index.html",
        filters=filters,
        errors={name: _(message) for name, message in errors.items()},
        options=filter_options(filters.walk_id),
        downloads=downloads,
        areas=list_areas(db.session),
        years=[year, year - 1, year - 2],
        **template_values(),
    ), 400 if errors else 200


def _download(chunks, mimetype: str, filename: str) -> Response:
    log_action(
        "export.downloaded",
        "export",
        None,
        {"file": filename, "query": request.query_string.decode()[:500]},
    )
    resp = Response(stream_with_context(chunks), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def _filename(kind: str, extension: str) -> str:
    return f"fieldapp-{kind}-{today().isoformat()}.{extension}"


def _separator() -> str:
    raw = request.args.get("sep", "semicolon")
    if raw not in SEPARATORS:
        abort_with(400, _("Choose the separator: semicolon or comma."))
    return SEPARATORS[raw]


def _records(kind: str, filters: Filters):
    tz = local_tz()
    areas = {a.id: a.name for a in list_areas(db.session)}
    rows = iter_filtered(db.session, filters, tz)
    if kind == "observations":
        return (observation_record(o, tz, _label, areas) for o in rows)
    now = utcnow()
    return (issue_record(i, tz, _label, areas, now) for i in rows)


def _csv(kind: str, columns):
    filters = _filters(kind)
    sep = _separator()
    headers = [_(header) for _key, header in columns]
    chunks = csv_lines(_records(kind, filters), columns, headers, sep=sep, yes=_("yes"), no=_("no"))
    return _download(chunks, "text/csv", _filename(kind, "csv"))


def _geojson(kind: str):
    filters = _filters(kind)
    chunks = geojson_chunks(_records(kind, filters))
    return _download(chunks, "application/geo+json", _filename(kind, "geojson"))


@bp.get("/observations.csv")
@coordinator_required
def observations_csv():
    return _csv("observations", OBSERVATION_COLUMNS)


@bp.get("/issues.csv")
@coordinator_required
def issues_csv():
    return _csv("issues", ISSUE_COLUMNS)


@bp.get("/observations.geojson")
@coordinator_required
def observations_geojson():
    return _geojson("observations")


@bp.get("/issues.geojson")
@coordinator_required
def issues_geojson():
    return _geojson("issues")


# --- The yearly area report ---------------------------------------------------------------------


def _report(area_id: int | None, year: int, pdf: bool) -> str:
    """:raise 404: unknown area, or a year before FIRST_REPORT_YEAR or after this one.

    area_id None: the whole municipality."""
    area = db.get_or_404(Area, area_id) if area_id is not None else None
    day = today()
    if not FIRST_REPORT_YEAR <= year <= day.year:
        abort(404)
    report = area_report(db.session, area, year, day, local_tz(), utcnow())
    return render_template(
        "exports/report.html",
        r=report,
        pdf=pdf,
        today=day,
        issue_status_label=lambda code: _label("status", code),
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        count_labels=COUNT_LABELS,
        **criterion_template_values(),
    )


@bp.get("/area/<int:area_id>/report/<int:year>.html")
@bp.get("/municipality/report/<int:year>.html", defaults={"area_id": None})
@coordinator_required
def report_html(area_id: int | None, year: int):
    return _report(area_id, year, pdf=False)


@bp.get("/area/<int:area_id>/report/<int:year>.pdf")
@bp.get("/municipality/report/<int:year>.pdf", defaults={"area_id": None})
@coordinator_required
def report_pdf(area_id: int | None, year: int):
    from fieldapp.exports.pdf import html_to_pdf  # loads WeasyPrint: only when a PDF is asked for

    data = html_to_pdf(_report(area_id, year, pdf=True))
    scope = f"area-{area_id}" if area_id is not None else "municipality"
    filename = f"fieldapp-{scope}-report-{year}.pdf"
    log_action("export.downloaded", "area" if area_id else "", area_id, {"file": filename})
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
