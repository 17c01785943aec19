"""The safety-walk taxonomy: categories, participant roles and scales.

Plain data so that routing, statistics and the Open311 service list share one source. Labels
are English message ids marked with N_() for extraction; templates translate them with _(),
Danish being the default UI language.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (no Flask in this module)."""
    return message


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    hint: str
    # Det Kriminalpræventive Råd's eight principles of safe urban design this category touches.
    principle: str

    @property
    def icon(self) -> str:
        return f"icons/categories/{self.code}.svg"


CATEGORIES: tuple[Category, ...] = (
    Category("lighting", N_("Lighting"), N_("Dark spots, broken or missing lamps"), "lighting"),
    Category(
        "vegetation",
        N_("Plants and overgrowth"),
        N_("Bushes, trees, hedges that grow wild"),
        "overview",
    ),
    Category(
        "sightlines",
        N_("Sightlines and hiding places"),
        N_("Places you cannot see into or out of"),
        "overview",
    ),
    Category(
        "vandalism",
        N_("Vandalism and graffiti"),
        N_("Damage, graffiti, broken glass"),
        "maintenance",
    ),
    Category("waste", N_("Waste and dirt"), N_("Litter, full bins, dumped items"), "maintenance"),
    Category(
        "paths_traffic",
        N_("Paths and traffic"),
        N_("Paths, crossings, cycling, parking"),
        "movement",
    ),
    Category(
        "buildings",
        N_("Buildings and maintenance"),
        N_("Entrances, doors, stairwells, basements"),
        "protection",
    ),
    Category(
        "furniture",
        N_("Benches, tables and play"),
        N_("Places to sit, stay and play"),
        "places_to_stay",
    ),
    Category(
        "behaviour",
        N_("Behaviour and conflicts"),
        N_("Noise, quarrels, fights, drug dealing"),
        "eyes_on_street",
    ),
    Category(
        "social_vulnerability",
        N_("People who need help"),
        N_("People sleeping rough or in need of support"),
        "ownership",
    ),
    Category(
        "fire_risk", N_("Fire risk"), N_("Arson, flammable waste, blocked exits"), "protection"
    ),
    Category("good_place", N_("Works well"), N_("A good, safe place worth keeping"), "ownership"),
    Category("other", N_("Other"), N_("Anything else"), "other"),
)

CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}

# Roles a participant picks when joining; no identity is asked for.
PARTICIPANT_ROLES: tuple[tuple[str, str], ...] = (
    ("resident", N_("Resident")),
    ("place_user", N_("User of the place")),
    ("police", N_("Police")),
    ("municipality", N_("Municipality staff")),
    ("housing", N_("Housing association staff")),
    ("other", N_("Other")),
)
PARTICIPANT_ROLE_LABELS = dict(PARTICIPANT_ROLES)

# "How safe do you feel here?" 1 = very unsafe ... 5 = very safe.
SAFETY_SCALE: tuple[tuple[int, str], ...] = (
    (1, N_("Very unsafe")),
    (2, N_("Unsafe")),
    (3, N_("Neither")),
    (4, N_("Safe")),
    (5, N_("Very safe")),
)
SAFETY_LABELS = dict(SAFETY_SCALE)

SEVERITIES: tuple[tuple[int, str], ...] = (
    (1, N_("Minor")),
    (2, N_("Serious")),
    (3, N_("Urgent")),
)
SEVERITY_LABELS = dict(SEVERITIES)

WALK_STATUSES: tuple[tuple[str, str], ...] = (
    ("planned", N_("Planned")),
    ("running", N_("Running")),
    ("closed", N_("Closed")),
)
WALK_STATUS_LABELS = dict(WALK_STATUSES)
