"""Helpers for the walk request tests: the Midtbyen squares as an area, the form's data."""

from __future__ import annotations

import json

from sqlalchemy import select

from fieldapp.areas.services import create_area
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.walkrequests.models import WalkRequest

# Karolinelunden, Aalborg (lat, lon), inside the Midtbyen squares' outline below.
KAROLINELUNDEN = (57.04640, 9.92890)


def make_midtbyen():
    west, south, east, north = 9.9110, 57.0420, 9.9310, 57.0495
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = create_area(
        db.session, "Midtbyens pladser", json.dumps({"type": "Polygon", "coordinates": [ring]})
    )
    db.session.commit()
    return area


def form_data(**fields) -> dict:
    data = {
        "requester_kind": "resident",
        "organisation": "",
        "place_name": "Karolinelunden, Aalborg",
        "lat": str(KAROLINELUNDEN[0]),
        "lon": str(KAROLINELUNDEN[1]),
        "reason": "Stien langs skråningen er helt mørk om aftenen, og der sidder folk i buskene.",
        "categories": ["lighting", "sightlines"],
        "season": "winter",
        "time_of_day": "evening",
        "email": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def stored_requests() -> list[WalkRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(WalkRequest).order_by(WalkRequest.id)))


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
