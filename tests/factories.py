"""Row factories every test folder shares: users, administrations, walks, areas, log-in.

A plain module, not a conftest.py (test folders have no __init__.py, so a second `conftest`
would shadow tests/conftest.py). tests/ is on sys.path through tests/conftest.py, so any test or
fixture module can `from factories import make_user`. The folders' own fixture modules
(meeting_fixtures, stats_fixtures, triage_factories, area_fixtures) keep their names and
defaults and build on these.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fieldapp.areas.models import Area
from fieldapp.auth.services import create_user, find_user
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.walks.models import Walk

# One password per role, so a test can log in as whoever a factory made.
PASSWORDS = {
    "coordinator": "koordinator-pw-1",
    "admin": "admin-pw-12345",
    "staff": "staff-pw-12345",
}
ADMINISTRATION = "By- og Landskabsforvaltningen"


def make_user(
    role: str = "coordinator",
    email: str | None = None,
    *,
    name: str | None = None,
    password: str | None = None,
    administration: Administration | None = None,
    reuse: bool = False,
):
    """A staff account through the same service as `flask create-user`.

    `reuse` returns the account that already has `email` instead (the address is unique).
    """
    email = email or f"{role}@example.dk"
    user = find_user(db.session, email) if reuse else None
    if user is None:
        user = create_user(
            db.session, email, name or role.title(), password or PASSWORDS[role], role
        )
    if administration is not None:
        user.administration_id = administration.id
    db.session.commit()
    return user


def make_admin(
    name: str = ADMINISTRATION, short_name: str | None = None, emails: str = "x@example.dk"
) -> Administration:
    """An administration (forvaltning) that issues are forwarded to."""
    admin = Administration(name=name, short_name=short_name or name.split()[0], emails=emails)
    db.session.add(admin)
    db.session.commit()
    return admin


WALK_DEFAULTS = {
    "title": "Tryghedsvandring i Vestbyen",
    "place_name": "Vestbyen, Aalborg",
    "starts_at": datetime(2026, 12, 1, 17, 30, tzinfo=UTC),
    "meeting_lat": 57.048,
    "meeting_lon": 9.921,
    "status": "running",
}


def make_walk(**fields) -> Walk:
    """A walk stored straight in the database: running, in Aalborg, unless `fields` say else."""
    walk = Walk(**{**WALK_DEFAULTS, **fields})
    db.session.add(walk)
    db.session.commit()
    return walk


def polygon(south: float, west: float, north: float, east: float, triangle: bool = False) -> str:
    """GeoJSON of the box, or of the triangle of its south-west, south-east and north-west."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    if triangle:
        ring = [[west, south], [east, south], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def make_area(
    name: str, south: float, west: float, north: float, east: float, triangle: bool = False
) -> Area:
    """An area with its outline and bounding box written as they are, no drawing checks."""
    area = Area(
        name=name,
        geometry=polygon(south, west, north, east, triangle),
        south=south,
        west=west,
        north=north,
        east=east,
    )
    db.session.add(area)
    db.session.commit()
    return area


def login(client, user, password: str, language: str = "en"):
    """Log `client` in as `user`, asking for `language` pages (most assertions read English)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    resp = client.post("/login", data={"email": user.email, "password": password})
    assert resp.status_code == 302, resp.status_code
    return client
