"""Outlines around Løvvangen (Nørresundby) as the drawing map writes them, and row factories."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import factories

from fieldapp.areas.services import create_area
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk

# The estate, a courtyard inside it, and a square far away (west, south, east, north).
ESTATE = (9.905, 57.066, 9.915, 57.072)
COURTYARD = (9.908, 57.068, 9.911, 57.070)
ELSEWHERE = (9.915, 57.040, 9.935, 57.050)

IN_COURTYARD = (57.069, 9.909)  # lat, lon
IN_ESTATE_ONLY = (57.067, 9.906)
OUTSIDE = (57.100, 9.800)


def drawn(west: float, south: float, east: float, north: float) -> str:
    """What area-draw.js puts in the field after four clicks: a closed Polygon ring, compact."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


def make_area(name: str, box: tuple[float, float, float, float]):
    area = create_area(db.session, name, drawn(*box))
    db.session.commit()
    return area


def make_walk(point: tuple[float, float] | None = None, area_id: int | None = None) -> Walk:
    lat, lon = point if point else (None, None)
    return factories.make_walk(
        title="Tryghedsvandring i Løvvangen",
        place_name="Løvvangen",
        starts_at=datetime(2026, 10, 6, 17, 0, tzinfo=UTC),
        meeting_lat=lat,
        meeting_lon=lon,
        area_id=area_id,
    )


def make_obs(point: tuple[float, float] | None, walk: Walk | None = None, **fields) -> Observation:
    lat, lon = point if point else (None, None)
    obs = Observation(walk=walk, category="lighting", lat=lat, lon=lon, **fields)
    db.session.add(obs)
    db.session.commit()
    return obs


def make_issue(point: tuple[float, float] | None, walk: Walk | None = None) -> Issue:
    lat, lon = point if point else (None, None)
    issue = Issue(
        title="Mørk sti", category="lighting", lat=lat, lon=lon, walk_id=walk.id if walk else None
    )
    db.session.add(issue)
    db.session.commit()
    return issue


def area_of(row) -> int | None:
    """The committed area_id, read fresh."""
    db.session.expire_all()
    return db.session.get(type(row), row.id).area_id
