"""The triage and queue maps' data: a view's points or clusters, and one point's popup."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage.access import get_issue_or_404, is_staff, triage_user_required
from fieldapp.triage.blueprint import bp
from fieldapp.triage.filters import parse_filters
from fieldapp.triage.map_queries import MAX_ZOOM, MIN_ZOOM, map_data, parse_zoom
from fieldapp.triage.queries import map_features
from fieldapp.triage.view_helpers import timezone, translated_errors


def parse_bbox(raw: str | None):
    """The map's view as (south, west, north, east) degrees, or None when not given.

    :raise ValueError: not four numbers, or not a box on the globe (south above north, NaN).
    """
    if not raw:
        return None
    parts = [float(p) for p in raw.split(",")]
    if len(parts) != 4:
        raise ValueError(raw)
    south, west, north, east = parts
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValueError(raw)
    return south, west, north, east


@bp.get("/map.geojson")
@triage_user_required
def map_geojson():
    """The triage map or a queue map for a view: the list's filters plus bbox and zoom.

    Points (codes only; details from map_item) when zoomed in and few enough, else grid
    clusters with their count and bounds (map_queries.py). Staff always get their own
    administration's issues, whatever they ask for.
    """
    filters, errors = parse_filters(request.args)
    errors = translated_errors(errors)
    if is_staff(current_user):
        if current_user.administration_id is None:
            abort(403)
        filters = replace(filters, kind="issues", administration_id=current_user.administration_id)
    bbox = zoom = None
    try:
        bbox = parse_bbox(request.args.get("bbox"))
    except ValueError:
        errors["bbox"] = _("bbox must be south,west,north,east in degrees")
    try:
        zoom = parse_zoom(request.args.get("zoom"))
    except ValueError:
        errors["zoom"] = _(
            "zoom must be a whole number from %(low)d to %(high)d", low=MIN_ZOOM, high=MAX_ZOOM
        )
    if errors:
        return jsonify(error=_("Bad request"), details=errors, status=400), 400
    data = map_data(db.session, filters, timezone(), bbox, zoom)
    body = {
        "type": "FeatureCollection",
        "features": data.features,
        "clustered": data.clustered,
        "total": data.total,
    }
    resp = jsonify(body)
    resp.mimetype = "application/geo+json"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/map/<any(observation, issue):kind>/<int:item_id>.json")
@triage_user_required
def map_item(kind: str, item_id: int):
    """One map point's popup details (the map's points carry only codes).

    :raise 404: no such item, or an issue the user may not see (get_issue_or_404); staff see
        no loose observations on their map, so they get 403 for one.
    """
    if kind == "issue":
        item = get_issue_or_404(item_id, current_user)
    else:
        if is_staff(current_user):
            abort(403)
        item = db.session.get(Observation, item_id)
        if item is None:
            abort(404)
    kinds = "issues" if kind == "issue" else "observations"
    issue_url = lambda issue_id: url_for("triage.issue", issue_id=issue_id)  # noqa: E731
    features = map_features([item], kinds, issue_url)
    if not features:
        abort(404)
    resp = jsonify(features[0]["properties"])
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
