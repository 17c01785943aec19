"""The meeting presenter view (shown on a projector to residents) shows only public photos."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings.models import Meeting
from fieldapp.triage.models import Issue

LAT, LON = 57.0690, 9.9100  # Løvvangen


def photo(position: int, **fields) -> Photo:
    return Photo(
        position=position,
        digest=f"{position:02d}" + "b" * 62,
        width=800,
        height=600,
        thumb_width=320,
        thumb_height=240,
        byte_size=1000,
        **fields,
    )


def test_presenter_view_leaves_out_hidden_and_unblurred_photos(client, auth, kit) -> None:
    ring = [[9.907, 57.0665], [9.914, 57.0665], [9.914, 57.071], [9.907, 57.071], [9.907, 57.0665]]
    area = Area(
        name="Løvvangen",
        geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
        south=57.0665,
        west=9.907,
        north=57.071,
        east=9.914,
    )
    db.session.add(area)
    db.session.flush()
    issue = Issue(title="Mørk sti", description="", category="lighting", lat=LAT, lon=LON)
    db.session.add(issue)
    db.session.flush()
    shown, hidden, unblurred = (
        photo(0, blur_regions=[]),
        photo(1, blur_regions=[], hidden=True),
        photo(2),  # stored before blurring existed
    )
    obs = Observation(category="lighting", text="Mørkt", lat=LAT, lon=LON, issue_id=issue.id)
    obs.photos.extend([shown, hidden, unblurred])
    group = LocalGroup(name="Tryghedsgruppen", area_id=area.id, description="")
    db.session.add_all([obs, group])
    db.session.flush()
    meeting = Meeting(
        group_id=group.id,
        area_id=area.id,
        title="Dialogmøde",
        starts_at=datetime(2026, 11, 10, 17, 0, tzinfo=UTC),
        place="Beboerhuset",
        status="running",
        votes_per_participant=3,
    )
    db.session.add(meeting)
    db.session.commit()
    kit.english(client)
    auth.login("coordinator")
    html = client.get(f"/meetings/{meeting.id}/present").get_data(as_text=True)
    assert "Mørk sti" in html
    assert f"/photos/{shown.id}/thumb.jpg" in html
    assert f"/photos/{hidden.id}/" not in html
    assert f"/photos/{unblurred.id}/" not in html
