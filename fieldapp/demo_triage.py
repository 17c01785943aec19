"""Demo areas, administrations and issues on top of the demo walks.

A coordinator opening the demo should see the whole follow-up story of the Løvvangen walk:
findings routed to the right administrations, one being fixed, one fixed, one overdue, one
declined with a reason — the follow-up the source documents say was lost in 2017.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.services import create_area
from fieldapp.capture.models import Observation
from fieldapp.orgs.defaults import seed_defaults
from fieldapp.routing.services import resolve_administration
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor, change_status
from fieldapp.walks.models import Walk


def _polygon(south: float, west: float, north: float, east: float) -> str:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


# Rough outlines; an admin replaces them with drawn or imported ones.
DEMO_AREAS = (
    ("Løvvangen", _polygon(57.0665, 9.9070, 57.0710, 9.9140)),
    ("Midtbyens pladser", _polygon(57.0420, 9.9110, 57.0495, 9.9310)),
    ("Bredgade Torv", _polygon(57.0575, 9.9205, 57.0600, 9.9260)),
)

# (observation text starts with, priority,
#  steps: (status, public comment, internal note, days after the walk))
LOVVANGEN_ISSUES = (
    (
        "Stien mellem blok 4 og 6",
        "high",
        (
            ("forwarded", "Sendt til Park og Vej.", "", 2),
            ("in_progress", "To nye lamper er bestilt og sættes op i uge 50.", "Ordre 4471", 9),
        ),
    ),
    (
        "Brandbart affald i kælderskakten",
        "urgent",
        (
            ("forwarded", "", "Ringet til vagthavende.", 1),
            ("resolved", "Affaldet er fjernet, og skakten er låst af driften.", "", 2),
        ),
    ),
    (
        "Hoveddøren til opgang 8",
        "normal",
        (("forwarded", "Sendt til boligselskabets drift.", "", 3),),
    ),
    (
        "Storskrald stillet ved containerne",
        "low",
        (("triaged", "", "Afventer ny affaldsordning i afdelingen.", 3),),
    ),
    (
        "Mange ved ikke, hvem de skal ringe til",
        "normal",
        (
            (
                "rejected",
                "Kontaktoplysninger kommer i næste beboerblad; der er ingen fejl at rette.",
                "",
                4,
            ),
        ),
    ),
)


def seed_demo_triage(session: Session, coordinator_id: int, walks: dict[str, Walk]) -> int:
    """Areas, default administrations and rules, and the Løvvangen walk's issues; returns count."""
    seed_defaults(session)
    areas = {name: create_area(session, name, geometry) for name, geometry in DEMO_AREAS}
    walks["lovvangen"].area_id = areas["Løvvangen"].id
    walks["midtbyen"].area_id = areas["Midtbyens pladser"].id
    walks["planned"].area_id = areas["Bredgade Torv"].id
    actor = Actor(user_id=coordinator_id, coordinates=True)
    walk = walks["lovvangen"]
    created = 0
    for text_start, priority, steps in LOVVANGEN_ISSUES:
        obs = session.scalar(
            select(Observation).where(
                Observation.walk_id == walk.id, Observation.text.startswith(text_start)
            )
        )
        issue = create_issue(
            session,
            [obs],
            actor,
            title=obs.text.split(".")[0][:120],
            description=obs.text,
            category=obs.category,
            priority=priority,
        )
        issue.created_at = walk.starts_at + timedelta(days=1)
        admin = resolve_administration(session, obs.category, obs.lat, obs.lon, issue.area_id)
        for status, public, internal, days in steps:
            at: datetime = walk.starts_at + timedelta(days=days)
            change_status(
                session,
                issue,
                actor,
                status,
                public_comment=public,
                internal_note=internal,
                administration_id=admin.id if admin else None,
                now=at,
            )
        created += 1
    return created
