"""Danish starting point: who usually answers for what after a safety walk in Aalborg.

Names follow the source documents (Tryg Aalborg, Løvvangen's Tryghed og Trivsel agreement);
the addresses are placeholders on example.dk that an admin replaces with the real ones. The
names and descriptions are Danish data, not interface text, so they are not translated.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.auth.services import create_user, find_user
from fieldapp.orgs.models import Administration
from fieldapp.routing.models import RoutingRule

PARKS_ROADS = "By- og Landskabsforvaltningen"
POLICE = "Nordjyllands Politi – nærpolitiet"
STREET_TEAM = "Center for Sociale Indsatser – Bo- og Gadeteamet"
FIRE = "Beredskabscenter Nordjylland"
HOUSING = "Sundby-Hvorup Boligselskab – driften"
UTILITY = "Aalborg Forsyning – affald"

DEFAULT_ADMINISTRATIONS: tuple[dict[str, str], ...] = (
    {
        "name": PARKS_ROADS,
        "short_name": "Park og Vej",
        "kind": "municipality",
        "emails": "park-vej@example.dk, gadelys@example.dk",
        "description": "Parker, grønne områder, veje og stier, gadebelysning og renhold i "
        "det offentlige byrum.",
    },
    {
        "name": POLICE,
        "short_name": "Nærpolitiet",
        "kind": "police",
        "emails": "naerpoliti.aalborg@example.dk",
        "description": "Lokalpolitiet: uro, konflikter, narkohandel og tryghed i bydelen. "
        "Akutte hændelser: ring 112.",
    },
    {
        "name": STREET_TEAM,
        "short_name": "Gadeteamet",
        "kind": "social",
        "emails": "gadeteam@example.dk",
        "description": "Opsøgende socialt arbejde med hjemløse og socialt udsatte i byens rum.",
    },
    {
        "name": FIRE,
        "short_name": "Beredskabet",
        "kind": "fire",
        "emails": "forebyggelse@example.dk",
        "description": "Brandforebyggelse: brandbart affald, påsatte brande og blokerede "
        "flugtveje. Brand: ring 112.",
    },
    {
        "name": HOUSING,
        "short_name": "Boligselskabet",
        "kind": "housing",
        "emails": "driften@example.dk, ejendomskontor@example.dk",
        "description": "Ejendomskontor og teknisk afdeling: opgange, døre, kældre, "
        "belysning og udearealer i afdelingerne.",
    },
    {
        "name": UTILITY,
        "short_name": "Forsyningen",
        "kind": "utility",
        "emails": "affald@example.dk",
        "description": "Affald, storskrald, containere og affaldskurve.",
    },
)

# Category → administration name. good_place and other have no owner: a coordinator decides.
DEFAULT_RULES: dict[str, str] = {
    "lighting": PARKS_ROADS,
    "vegetation": PARKS_ROADS,
    "sightlines": PARKS_ROADS,
    "vandalism": PARKS_ROADS,
    "paths_traffic": PARKS_ROADS,
    "furniture": PARKS_ROADS,
    "waste": UTILITY,
    "buildings": HOUSING,
    "behaviour": POLICE,
    "social_vulnerability": STREET_TEAM,
    "fire_risk": FIRE,
}

# Documented in the README; demo installs only, never a production default.
DEMO_STAFF = ("drift@fieldapp.dk", "tryg-drift-2026")
DEMO_STAFF_NAME = "Driften, Park og Vej"
DEMO_STAFF_ADMINISTRATION = PARKS_ROADS


def seed_defaults(session: Session, with_demo_staff: bool = True) -> int:
    """Create whatever is missing of the defaults; never overwrites an admin's edits.

    Administrations are matched by name; a default rule is added only for a category that has
    no default (area-less) rule yet. `with_demo_staff` adds the DEMO_STAFF account, which a
    production install must not get.
    :return: how many administrations, rules and accounts were created.
    """
    created = 0
    by_name: dict[str, Administration] = {
        a.name.lower(): a for a in session.scalars(select(Administration))
    }
    for values in DEFAULT_ADMINISTRATIONS:
        if values["name"].lower() not in by_name:
            administration = Administration(**values, active=True)
            session.add(administration)
            by_name[values["name"].lower()] = administration
            created += 1
    session.flush()

    has_default = set(
        session.scalars(select(RoutingRule.category).where(RoutingRule.area_id.is_(None)))
    )
    for category, name in DEFAULT_RULES.items():
        if category not in has_default:
            session.add(
                RoutingRule(
                    category=category, area_id=None, administration_id=by_name[name.lower()].id
                )
            )
            created += 1

    if with_demo_staff and find_user(session, DEMO_STAFF[0]) is None:
        user = create_user(session, DEMO_STAFF[0], DEMO_STAFF_NAME, DEMO_STAFF[1], "staff")
        user.administration_id = by_name[DEMO_STAFF_ADMINISTRATION.lower()].id
        created += 1
    session.flush()
    return created


def default_administration_id(session: Session, name: str) -> int | None:
    """The id of a seeded administration by its default name (for demo data that refers to it)."""
    return session.scalar(
        select(Administration.id).where(func.lower(Administration.name) == name.lower())
    )
