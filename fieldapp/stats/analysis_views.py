"""The analyses page (/stats/analyses) and its map data; nested in the stats blueprint."""

from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from fieldapp.areas.models import Area
from fieldapp.areas.services import list_areas
from fieldapp.auth.permissions import coordinator_required
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.stats import analyses
from fieldapp.stats.analyses import Scope
from fieldapp.stats.charts import Series, bar_chart
from fieldapp.stats.formatting import local_tz, number, today
from fieldapp.triage.filters import TIMES_OF_DAY

bp = Blueprint("analyses", __name__, url_prefix="/analyses")
MAP_LIMIT = 2000


def parse_scope(args) -> tuple[Scope, dict[str, str]]:
    """Area and dates from the query; bad values fall back to the default with a message."""
    errors: dict[str, str] = {}
    first, last = analyses.default_period(today())
    area_id = None
    raw = (args.get("area") or "").strip()
    if raw:
        if raw.isdigit() and len(raw) < 12 and db.session.get(Area, int(raw)) is not None:
            area_id = int(raw)
        else:
            errors["area"] = _("Choose an area from the list.")

    def day(name: str) -> date | None:
        text = (args.get(name) or "").strip()
        if not text:
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            errors[name] = _("Enter the date as YYYY-MM-DD, e.g. 2026-10-01.")
            return None
        if not analyses.DATE_RANGE[0] <= value <= analyses.DATE_RANGE[1]:
            errors[name] = _("Choose a date between 1990 and 2100.")
            return None
        return value

    date_from, date_to = day("from"), day("to")
    if date_from is None and date_to is None and not errors.keys() & {"from", "to"}:
        date_from, date_to = first, last
    if date_from and date_to and date_from > date_to:
        errors["to"] = _("The end date is before the start date.")
        date_to = None
    return Scope(area_id, date_from, date_to), errors


def scope_params(scope: Scope) -> dict[str, str]:
    params = {}
    if scope.area_id:
        params["area"] = str(scope.area_id)
    if scope.date_from:
        params["from"] = scope.date_from.isoformat()
    if scope.date_to:
        params["to"] = scope.date_to.isoformat()
    return params


def month_label(year: int, month: int, names: dict) -> str:
    return f"{names[month]} {str(year)[2:]}"


@bp.get("/")
@coordinator_required
def index():
    scope, errors = parse_scope(request.args)
    tz = local_tz()
    locale = get_locale()
    months_short = get_month_names("abbreviated", locale=locale)
    months_long = get_month_names("wide", locale=locale)

    heat = analyses.time_of_day_by_month(db.session, scope, tz)
    by_area = analyses.safety_by_area(db.session, scope, tz)
    by_walk = analyses.safety_by_walk(db.session, scope, tz)
    resolution = analyses.median_resolution(db.session, scope, tz)
    trend = analyses.open_closed_trend(db.session, scope, tz, today())
    no_area = _("No area")

    charts = {
        "safety": bar_chart(
            [p.name or no_area for p in by_area],
            [Series(_("Average safety feeling"), [p.average for p in by_area])],
            label=_(
                "Bar chart: the average safety feeling (1 very unsafe to 5 very safe) per area."
            ),
            fmt=number,
            y_max=5,
        )
        if by_area
        else None,
        "resolution": bar_chart(
            [r.short_name or _("Not assigned") for r in resolution],
            [Series(_("Median days"), [r.median_days for r in resolution])],
            label=_(
                "Bar chart: the median number of days from forwarding to resolution, "
                "per administration."
            ),
            fmt=number,
        )
        if resolution
        else None,
        "trend": bar_chart(
            [month_label(y, m, months_short) for y, m in trend.months],
            [Series(_("Opened"), trend.opened), Series(_("Closed"), trend.closed)],
            label=_(
                "Bar chart: issues opened and closed per month, opened as solid bars and "
                "closed as hatched bars."
            ),
            fmt=number,
        )
        if trend.months
        else None,
    }
    return render_template(
        "stats/analyses.html",
        scope=scope,
        params=scope_params(scope),
        errors=errors,
        areas=list_areas(db.session),
        hot_spots=analyses.hot_spots(db.session, scope, tz),
        heat=heat,
        bands=TIMES_OF_DAY,
        months_short=months_short,
        months_long=months_long,
        by_area=by_area,
        by_walk=by_walk,
        resolution=resolution,
        trend=trend,
        trend_labels=[f"{months_long[m]} {y}" for y, m in trend.months],
        charts=charts,
        number=number,
        geojson_url=url_for(".observations_geojson", **scope_params(scope)),
        cell_metres=analyses.CELL_METRES,
    ), 400 if errors else 200


@bp.get("/observations.geojson")
@coordinator_required
def observations_geojson():
    """The analysed observations as map points (newest first, at most MAP_LIMIT).

    Category, text and time only: nothing about who reported.
    """
    scope, errors = parse_scope(request.args)
    if errors:
        return jsonify(error=_("Bad request"), details=errors, status=400), 400
    query = (
        analyses.observations_query(
            scope,
            local_tz(),
            Observation.id,
            Observation.category,
            Observation.text,
            Observation.lat,
            Observation.lon,
            Observation.created_at,
        )
        .where(Observation.lat.is_not(None), Observation.lon.is_not(None))
        .order_by(Observation.created_at.desc(), Observation.id.desc())
        .limit(MAP_LIMIT + 1)
    )
    rows = db.session.execute(query).all()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                "id": r.id,
                "category": r.category,
                "text": (r.text or "")[:200],
                "created_at": r.created_at.isoformat(),
            },
        }
        for r in rows[:MAP_LIMIT]
    ]
    resp = jsonify(
        {"type": "FeatureCollection", "features": features, "truncated": len(rows) > MAP_LIMIT}
    )
    resp.mimetype = "application/geo+json"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
