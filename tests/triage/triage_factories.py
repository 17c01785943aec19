"""Factories for the triage tests: administrations, staff, observations, issues, areas."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import factories

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.routing.models import RoutingRule
from fieldapp.triage.models import Issue
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor, change_status

PASSWORD = "triage-pw-12345"

# Karolinelunden, Aalborg
LAT, LON = 57.0464, 9.9293
T0 = datetime(2026, 10, 6, 17, 0, tzinfo=UTC)


def offset(lat: float, lon: float, north_m: float = 0.0, east_m: float = 0.0):
    """A point `north_m` / `east_m` metres from (lat, lon)."""
    dlat = math.degrees(north_m / 6_371_008.8)
    dlon = math.degrees(east_m / 6_371_008.8) / math.cos(math.radians(lat))
    return lat + dlat, lon + dlon


def make_admin(name: str = factories.ADMINISTRATION, emails: str = "bl@aalborg.dk"):
    return factories.make_admin(name, emails=emails)


def make_staff(admin: Administration, email: str):
    return factories.make_user(
        "staff", email, name="Staff " + admin.name, password=PASSWORD, administration=admin
    )


def make_coordinator(email: str = "coordinator@example.dk"):
    return factories.make_user(
        "coordinator", email, name="Karen Koordinator", password=PASSWORD, reuse=True
    )


def make_obs(
    walk=None,
    category: str = "lighting",
    lat: float | None = LAT,
    lon: float | None = LON,
    created_at: datetime = T0,
    text: str = "Lampen ved stien er gået.",
    severity: int | None = 2,
    photos: int = 0,
    participant=None,
    **fields,
) -> Observation:
    obs = Observation(
        walk=walk,
        participant=participant,
        category=category,
        lat=lat,
        lon=lon,
        text=text,
        severity=severity,
        created_at=created_at,
        updated_at=created_at,
        location_source="gps" if lat is not None else None,
        **fields,
    )
    for i in range(photos):
        obs.photos.append(
            Photo(
                position=i,
                digest=f"{i:02d}" + "a" * 62,
                width=800,
                height=600,
                thumb_width=200,
                thumb_height=150,
                byte_size=1234,
            )
        )
    db.session.add(obs)
    db.session.commit()
    return obs


def make_issue(
    observations=None,
    actor: Actor | None = None,
    status: str = "new",
    administration: Administration | None = None,
    **fields,
) -> Issue:
    """An issue made through the service, then moved to `status` through the workflow."""
    actor = actor or Actor(user_id=make_coordinator().id, coordinates=True)
    observations = observations or [make_obs()]
    values = {"title": "Mørk sti", "description": "", "category": observations[0].category}
    values["priority"] = fields.pop("priority", "normal")
    values.update(
        {k: fields.pop(k) for k in list(fields) if k in ("title", "description", "category")}
    )
    issue = create_issue(db.session, observations, actor, **values)
    if status in ("forwarded", "in_progress", "resolved"):
        change_status(db.session, issue, actor, "forwarded", administration_id=administration.id)
    if status in ("in_progress", "resolved"):
        change_status(db.session, issue, actor, status)
    elif status in ("triaged", "rejected"):
        change_status(db.session, issue, actor, status, internal_note="test")
    for name, value in fields.items():
        setattr(issue, name, value)
    db.session.commit()
    return issue


def make_area(name: str, south: float, west: float, north: float, east: float, triangle=False):
    """A rectangle, or the triangle of its south-west, south-east and north-west corners."""
    return factories.make_area(name, south, west, north, east, triangle)


def make_rule(category: str, admin: Administration, area: Area | None = None):
    rule = RoutingRule(
        category=category, administration_id=admin.id, area_id=area.id if area else None
    )
    db.session.add(rule)
    db.session.commit()
    return rule


def login(client, user, language: str = "en"):
    """Log `client` in as `user`, asking for English pages (assertions read English)."""
    return factories.login(client, user, PASSWORD, language)
