"""Reports for a chosen period (/exports/periods): the picker, the quarterly counts and the
half-yearly status as HTML, PDF (the same template via WeasyPrint) and CSV, and the yearly
report's figures as CSV. Nested in the exports blueprint; coordinators only."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fieldapp.areas.models import Area
from fieldapp.areas.services import list_areas
from fieldapp.auth.permissions import coordinator_required
from fieldapp.db import utcnow
from fieldapp.exports.csv_export import csv_lines
from fieldapp.exports.forms import WHOLE_MUNICIPALITY, PeriodForm
from fieldapp.exports.periods import (
    COUNT_LABELS,
    FIRST_REPORT_YEAR,
    PeriodCounts,
    half_year_report,
    period_dates,
    quarter_report,
    started,
)
from fieldapp.exports.report import area_report
from fieldapp.extensions import db
from fieldapp.stats.formatting import (
    criterion_template_values,
    is_percent,
    local_tz,
    period_label,
    target_text,
    today,
    trend_text,
)
from fieldapp.stats.progress import STATUS_LABELS, Standing
from fieldapp.taxonomy import N_
from fieldapp.walkrequests.services import YearCounts

bp = Blueprint("periods", __name__, url_prefix="/periods")
REPORT_PERIODS = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "year")
FORMATS = ("html", "pdf", "csv")
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("section", N_("Section")),
    ("figure", N_("Figure")),
    ("period", N_("Period")),
    ("value", N_("Value")),
    ("unit", N_("Unit")),
    ("target", N_("Target")),
    ("trend", N_("Trend")),
    ("status", N_("Status")),
)


@bp.get("/")
@coordinator_required
def index():
    """Choose an area, a year and a quarter, half-year or the year; go to that report."""
    day = today()
    areas = list_areas(db.session)
    args = request.args if request.args else None
    form = PeriodForm(args, today=day)
    form.area_id.choices = [
        ("", _("— choose an area —")),
        (WHOLE_MUNICIPALITY, _("The whole municipality")),
    ] + [(str(a.id), a.name) for a in areas]
    if args is None:
        form.year.data = day.year
        form.period.data = f"Q{(day.month - 1) // 3 + 1}"
    elif form.validate():
        year, period = form.year.data, form.period.data
        area_id = None if form.area_id.data == WHOLE_MUNICIPALITY else form.area_id.data
        if not started(year, period, day):
            form.period.errors = [_("That period has not begun yet.")]
        elif period == "year":
            return redirect(url_for("exports.report_html", area_id=area_id, year=year))
        else:
            return redirect(
                url_for(".report", area_id=area_id, year=year, period=period, fmt="html")
            )
    return render_template("exports/periods.html", form=form), 400 if form.errors else 200


def _download(body, mimetype: str, filename: str) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def pdf_bytes(html: str) -> bytes:
    from fieldapp.exports.pdf import html_to_pdf  # loads WeasyPrint: only when a PDF is asked for

    return html_to_pdf(html)


def count_records(rows: list[PeriodCounts], year: int):
    for row in rows:
        when = period_label(year, row.period)
        for name, figure in COUNT_LABELS:
            yield {
                "section": _("Counts"),
                "figure": _(figure),
                "period": when if row.complete else _("%(period)s (so far)", period=when),
                "value": getattr(row, name),
                "unit": "",
                "target": "",
                "trend": "",
                "status": "",
            }


REQUEST_LABELS: tuple[tuple[str, str], ...] = (
    ("asked", N_("Walks asked for")),
    ("accepted", N_("Requests accepted")),
    ("declined", N_("Requests declined")),
    ("walked", N_("Requested walks held")),
)


def request_records(counts: YearCounts, year: int, so_far: bool):
    """The year's walk requests (made in the year): asked, accepted, declined, walked."""
    when = period_label(year, "")
    for name, figure in REQUEST_LABELS:
        yield {
            "section": _("Walk requests"),
            "figure": _(figure),
            "period": _("%(period)s (so far)", period=when) if so_far else when,
            "value": getattr(counts, name),
            "unit": "",
            "target": "",
            "trend": "",
            "status": "",
        }


def criteria_records(standings: list[Standing], as_of):
    for s in standings:
        c = s.criterion
        if s.milestone:
            m = s.milestone
            value, when = "", _("as of %(date)s", date=as_of.isoformat())
            if m.achieved_on:
                value = _("achieved on %(date)s", date=m.achieved_on.isoformat())
            trend = ""
        else:
            r = s.result
            value = round(r.actual, 1) if r.actual is not None else None
            when = period_label(r.year, r.period) if c.kind == "manual" else str(r.year)
            trend = trend_text(c, r.trend) if r.status != "no_data" else ""
        yield {
            "section": _("Success criteria"),
            "figure": c.title,
            "period": when,
            "value": value,
            "unit": "%" if is_percent(c) else "",
            "target": target_text(c),
            "trend": trend,
            "status": _(STATUS_LABELS[s.status]),
        }


def csv_response(records, filename: str) -> Response:
    headers = [_(header) for _key, header in CSV_COLUMNS]
    body = "".join(csv_lines(records, CSV_COLUMNS, headers, sep=";"))
    return _download(body, "text/csv", filename)


def _area_and_period(area_id: int | None, year: int, period: str, fmt: str) -> Area | None:
    """:raise 404: unknown area, format or period, or a period that has not begun."""
    area = db.get_or_404(Area, area_id) if area_id is not None else None
    if fmt not in FORMATS or period not in REPORT_PERIODS:
        abort(404)
    if year < FIRST_REPORT_YEAR or not started(year, period, today()):
        abort(404)
    return area


@bp.get("/area/<int:area_id>/<int:year>/<period>.<fmt>")
@bp.get("/municipality/<int:year>/<period>.<fmt>", defaults={"area_id": None})
@coordinator_required
def report(area_id: int | None, year: int, period: str, fmt: str):
    """One area's report, or (the /municipality/ address) the whole municipality's."""
    area = _area_and_period(area_id, year, period, fmt)
    day, tz = today(), local_tz()
    name = f"fieldapp-area-{area.id}-{year}-{period}" if area else f"fieldapp-all-{year}-{period}"
    if period == "year":
        if fmt != "csv":  # the yearly report's page and PDF have their own addresses
            endpoint = "exports.report_html" if fmt == "html" else "exports.report_pdf"
            return redirect(url_for(endpoint, area_id=area_id, year=year))
        r = area_report(db.session, area, year, day, tz, utcnow())
        records = [
            *count_records(r.quarters, year),
            *request_records(r.walk_requests, year, r.as_of < period_dates(year, "year")[1]),
            *criteria_records(r.criteria, r.as_of),
        ]
        return csv_response(records, f"{name}.csv")
    if period.startswith("Q"):
        r = quarter_report(db.session, area, year, period, day, tz, utcnow())
        template = "exports/quarter.html"
        records = list(count_records(r.rows, year))
    else:
        r = half_year_report(db.session, area, year, period, day, tz, utcnow())
        template = "exports/half_year.html"
        records = [*count_records([r.counts], year), *criteria_records(r.criteria, r.as_of)]
    if fmt == "csv":
        return csv_response(records, f"{name}.csv")
    html = render_template(
        template,
        r=r,
        pdf=fmt == "pdf",
        today=day,
        count_labels=COUNT_LABELS,
        **criterion_template_values(),
    )
    if fmt == "pdf":
        return _download(pdf_bytes(html), "application/pdf", f"{name}.pdf")
    return html
