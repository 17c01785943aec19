"""Demo data a Danish coordinator recognises: a housing-estate walk and a city-square walk.

Places and problems come from the source documents (Løvvangen's "Tryg Bydel" safety walks and
Aalborg's action plan for the city's squares); coordinates are approximate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.auth.services import create_user, find_user
from fieldapp.capture.models import Observation
from fieldapp.walks.models import Participant, Walk

# Documented in the README; demo installs only, never a production default.
DEMO_ACCOUNTS = (
    ("koordinator@fieldapp.dk", "tryg-demo-2026", "coordinator"),
    ("admin@fieldapp.dk", "tryg-admin-2026", "admin"),
)

# (category, safety, severity, text, lat, lon, participant index)
LOVVANGEN = [
    (
        "lighting",
        2,
        2,
        "Stien mellem blok 4 og 6 er helt mørk. To lamper er gået.",
        57.06930,
        9.90890,
        0,
    ),
    (
        "vegetation",
        2,
        2,
        "Buskene ved legepladsen er vokset så høje, at man ikke kan se ind.",
        57.06878,
        9.91021,
        1,
    ),
    (
        "sightlines",
        2,
        2,
        "Tunnellen under Thistedvej: ingen udsyn, man ved ikke hvem der står der.",
        57.06795,
        9.91210,
        0,
    ),
    (
        "waste",
        3,
        1,
        "Storskrald stillet ved containerne igen – madrasser og et køleskab.",
        57.06902,
        9.91133,
        2,
    ),
    ("vandalism", 3, 1, "Graffiti på gavlen ved vaskeriet.", 57.06952, 9.91058, 3),
    (
        "fire_risk",
        1,
        3,
        "Brandbart affald i kælderskakten ved opgang 12. Der har været brand før.",
        57.06861,
        9.90935,
        4,
    ),
    (
        "buildings",
        2,
        2,
        "Hoveddøren til opgang 8 kan ikke låse; låsen er brudt op.",
        57.06917,
        9.90975,
        2,
    ),
    (
        "furniture",
        4,
        1,
        "Bænkene ved boldbanen bliver brugt af mange familier – godt sted.",
        57.06840,
        9.91090,
        1,
    ),
    (
        "good_place",
        5,
        None,
        "Den nye belysning ved indkørslen virker rigtig godt.",
        57.06980,
        9.91160,
        0,
    ),
    (
        "paths_traffic",
        3,
        2,
        "Biler kører for stærkt på parkeringsvejen; børn krydser her.",
        57.06990,
        9.90920,
        5,
    ),
    (
        "behaviour",
        2,
        2,
        "Unge samles om aftenen ved cykelskuret og råber efter folk.",
        57.06888,
        9.90870,
        3,
    ),
    (
        "lighting",
        1,
        3,
        "Ingen lys ved stien ned til busstoppestedet om vinteren.",
        57.06770,
        9.91050,
        5,
    ),
    ("vegetation", 3, 1, "Hækken langs Løvvangsvej dækker for skiltet.", 57.06960, 9.91240, 4),
    ("waste", 3, 1, "Affaldskurvene ved legepladsen er fulde.", 57.06868, 9.91002, 1),
    (
        "other",
        3,
        None,
        "Mange ved ikke, hvem de skal ringe til om fejl. Skilt med kontaktinfo mangler.",
        57.06925,
        9.91100,
        2,
    ),
    ("buildings", 2, 2, "Kældergangen under blok 2 står åben.", 57.06945, 9.90905, 4),
]

MIDTBYEN = [
    (
        "lighting",
        2,
        2,
        "Karolinelunden: stien langs skråningen er mørk efter kl. 17.",
        57.04640,
        9.92930,
        0,
    ),
    (
        "social_vulnerability",
        3,
        2,
        "Flere sover på bænkene ved pavillonen. Gadeteamet bør kigge forbi.",
        57.04605,
        9.92880,
        1,
    ),
    (
        "waste",
        3,
        1,
        "Meget affald og flasker omkring bænkene i Karolinelunden.",
        57.04622,
        9.92845,
        2,
    ),
    (
        "behaviour",
        2,
        2,
        "Højlydte skænderier ved J.F. Kennedys Plads om eftermiddagen.",
        57.04310,
        9.91720,
        3,
    ),
    (
        "sightlines",
        2,
        2,
        "Bag busskuret på J.F. Kennedys Plads er der et hjørne uden udsyn.",
        57.04290,
        9.91760,
        0,
    ),
    (
        "buildings",
        2,
        2,
        "Gyden ved Bispensgade bruges som toilet. Der mangler et offentligt toilet.",
        57.04805,
        9.92150,
        2,
    ),
    (
        "furniture",
        4,
        1,
        "Kildeparken: borde og bænke ved springvandet bruges godt i dagtimerne.",
        57.04400,
        9.91380,
        1,
    ),
    ("vegetation", 2, 2, "Kildeparken: tætte buske ved stien mod Vesterbro.", 57.04430, 9.91260, 4),
    (
        "good_place",
        5,
        None,
        "Frederikstorv er lyst og åbent – et rart sted om aftenen.",
        57.04665,
        9.92520,
        5,
    ),
    (
        "paths_traffic",
        3,
        1,
        "Cykler parkeret på tværs af fortovet ved Arkivpladsen.",
        57.04685,
        9.92230,
        3,
    ),
    (
        "social_vulnerability",
        3,
        1,
        "Mangler et sted med tag, hvor udsatte kan opholde sig uden at være i vejen.",
        57.04670,
        9.92210,
        1,
    ),
    ("vandalism", 3, 1, "Knust glas ved trappen i Karolinelunden.", 57.04652, 9.92905, 4),
    (
        "lighting",
        2,
        2,
        "Bredgade Torv i Nørresundby: en lampe blinker og går ud.",
        57.05880,
        9.92310,
        5,
    ),
    (
        "behaviour",
        2,
        3,
        "Handel med stoffer ved toiletbygningen sent om aftenen (set af nærpolitiet).",
        57.04590,
        9.92810,
        3,
    ),
]

ROLES_LOVVANGEN = ["resident", "resident", "housing", "place_user", "municipality", "police"]
ROLES_MIDTBYEN = ["municipality", "place_user", "resident", "police", "other", "resident"]


def _walk_with_observations(
    session: Session, walk: Walk, roles: list[str], rows: list, started: datetime
) -> int:
    session.add(walk)
    participants = [Participant(walk=walk, role=role) for role in roles]
    session.add_all(participants)
    for i, (category, safety, severity, text, lat, lon, who) in enumerate(rows):
        session.add(
            Observation(
                walk=walk,
                participant=participants[who],
                category=category,
                safety=safety,
                severity=severity,
                text=text,
                lat=lat,
                lon=lon,
                accuracy_m=8.0 + (i % 5) * 3,
                location_source="gps" if i % 4 else "map",
                created_at=started + timedelta(minutes=4 * i),
                updated_at=started + timedelta(minutes=4 * i),
            )
        )
    return len(rows)


def seed_demo(session: Session, now: datetime | None = None) -> dict | None:
    """Create demo accounts, walks and observations; None when they already exist."""
    if find_user(session, DEMO_ACCOUNTS[0][0]) is not None:
        return None
    now = now or datetime.now(UTC)
    users = [
        create_user(session, email, email.split("@")[0].title(), password, role)
        for email, password, role in DEMO_ACCOUNTS
    ]
    coordinator = users[0]
    last_month = (now - timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
    today = (now - timedelta(hours=2)).replace(second=0, microsecond=0)
    lovvangen = Walk(
        title="Tryghedsvandring i Løvvangen",
        place_name="Løvvangen, Nørresundby",
        starts_at=last_month,
        meeting_point="Beboerhuset, Løvvangsvej",
        meeting_lat=57.06915,
        meeting_lon=9.91080,
        description="Aftenvandring med beboere, afdelingsbestyrelsen, Nordjyllands Politi, "
        "Beredskabscenter Nordjylland og Aalborg Kommune (Tryg Bydel).",
        organiser="Sundby-Hvorup Boligselskab og Aalborg Kommune",
        status="closed",
        created_by_id=coordinator.id,
    )
    midtbyen = Walk(
        title="Tryghedsvandring i Midtbyens pladser",
        place_name="Karolinelunden og J.F. Kennedys Plads, Aalborg",
        starts_at=today,
        meeting_point="Indgangen til Karolinelunden fra Kastetvej",
        meeting_lat=57.04650,
        meeting_lon=9.92960,
        description="Vandring med Midtbyens Samråd, Cityforeningen, Udsatterådet, gadeteamet "
        "og nærpolitiet. Fokus på lys, ophold og affald.",
        organiser="Aalborg Kommune, Center for Sociale Indsatser",
        status="running",
        created_by_id=coordinator.id,
    )
    planned = Walk(
        title="Tryghedsvandring på Bredgade Torv",
        place_name="Bredgade Torv, Nørresundby",
        starts_at=(now + timedelta(days=21)).replace(hour=18, minute=0, second=0, microsecond=0),
        meeting_point="Ved biblioteket",
        meeting_lat=57.05870,
        meeting_lon=9.92290,
        description="Ønsket af Nørresundby Samråd efter henvendelser om utryghed om aftenen.",
        organiser="Nørresundby Samråd og Aalborg Kommune",
        status="planned",
        created_by_id=coordinator.id,
    )
    count = _walk_with_observations(session, lovvangen, ROLES_LOVVANGEN, LOVVANGEN, last_month)
    count += _walk_with_observations(session, midtbyen, ROLES_MIDTBYEN, MIDTBYEN, today)
    session.add(planned)
    session.flush()
    from fieldapp.demo_meetings import seed_demo_meetings
    from fieldapp.demo_triage import seed_demo_triage

    issues = seed_demo_triage(
        session, coordinator.id, {"lovvangen": lovvangen, "midtbyen": midtbyen, "planned": planned}
    )
    from fieldapp.areas.assign import reassign_all

    reassign_all(session)  # the observations were made before their walks got areas
    meetings = seed_demo_meetings(session, coordinator.id, now=now)
    from fieldapp.demo_stats import seed_demo_stats

    seed_demo_stats(session)
    from fieldapp.demo_requests import seed_demo_requests

    requests = seed_demo_requests(
        session, coordinator.id, {"lovvangen": lovvangen, "planned": planned}, now
    )
    from fieldapp.demo_reports import seed_demo_reports

    seed_demo_reports(session, lovvangen, now=now)
    from fieldapp.demo_owners import seed_demo_owners

    seed_demo_owners(session, coordinator, now)
    session.flush()
    return {
        "walks": session.scalar(select(func.count()).select_from(Walk)),
        "observations": session.scalar(select(func.count()).select_from(Observation)),
        "issues": issues,
        "meetings": meetings,
        "walk_requests": requests,
    }
