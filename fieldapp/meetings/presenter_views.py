"""The projector view of a running meeting and the JSON it polls for live totals.

Polling with an ETag (derived from meeting.revision) keeps this working behind plain gunicorn
workers: an unchanged meeting costs one indexed read and a 304.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from fieldapp.areas.models import Area
from fieldapp.auth.permissions import coordinator_required
from fieldapp.capture.services import observations_geojson
from fieldapp.extensions import db
from fieldapp.meetings.findings import meeting_findings
from fieldapp.meetings.models import Meeting
from fieldapp.meetings.phone_views import meeting_join_url
from fieldapp.meetings.services import (
    MEETING_STATUS_LABELS,
    etag_for,
    live_state,
    meeting_observations,
)
from fieldapp.paging import requested_page

bp = Blueprint("presenter", __name__)


def _findings_geojson(findings) -> dict:
    """Numbered points for the map; the number is the card's, so the map and list agree."""
    features = []
    for finding in findings:
        issue = finding.issue
        if issue.lat is None or issue.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [issue.lon, issue.lat]},
                "properties": {
                    "id": issue.id,
                    "n": finding.number,
                    "category": issue.category,
                    "title": issue.title,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@bp.get("/<int:meeting_id>/present")
@coordinator_required
def present(meeting_id: int):
    """One page of findings (`?page=`), with their photos; the map shows that page's."""
    meeting = db.get_or_404(Meeting, meeting_id)
    findings = meeting_findings(db.session, meeting, page=requested_page(), with_photos=True)
    return render_template(
        "meetings/present.html",
        meeting=meeting,
        findings=findings,
        live=live_state(db.session, meeting),
        findings_geojson=_findings_geojson(findings.rows),
        observations_geojson=observations_geojson(
            meeting_observations(db.session, meeting.id), for_staff=False
        ),
        join_url=meeting_join_url(meeting),
        live_url=url_for("meetings.presenter.live", meeting_id=meeting.id),
        etag=f'"{etag_for(meeting)}"',
        area=db.session.get(Area, meeting.area_id) if meeting.area_id else None,
        MEETING_STATUS_LABELS=MEETING_STATUS_LABELS,
    )


@bp.get("/<int:meeting_id>/live.json")
@coordinator_required
def live(meeting_id: int):
    """Vote totals, decisions and new observations; 304 while the revision is unchanged."""
    meeting = db.get_or_404(Meeting, meeting_id)
    etag = etag_for(meeting)
    if request.if_none_match.contains(etag):
        resp = current_app.response_class(status=304)
    else:
        resp = jsonify(live_state(db.session, meeting))
    resp.set_etag(etag)
    # Always revalidate; the ETag makes that cheap. Private: it is a coordinator's page.
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp
