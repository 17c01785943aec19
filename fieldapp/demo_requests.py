"""Demo walk requests: the walks in the demo were asked for, and some requests wait for an answer.

The story: Løvvangen's housing board asked for the walk that was held last month; Nørresundby
Samråd asked for the planned walk at Bredgade Torv; a resident asked for an evening walk in
Karolinelunden three days ago (unanswered), another for Kildeparken more than two weeks ago
(overdue); a request about Jomfru Ane Gade was declined with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walkrequests.services import match_area
from fieldapp.walks.models import Walk

# (walk key or None, status, days before now, kind, organisation, place, lat, lon, reason,
#  categories, season, time of day, e-mail, decline reason)
REQUESTS = (
    (
        "lovvangen",
        "accepted",
        75,
        "housing_board",
        "Afdelingsbestyrelsen, Sundby-Hvorup Boligselskab afd. 12",
        "Løvvangen, Nørresundby",
        57.06915,
        9.91080,
        "Beboerne føler sig utrygge på stierne mellem blokkene om aftenen, og der har været "
        "brand i en kælderskakt. Vi vil gerne gå en tryghedsvandring med politiet og kommunen.",
        ["lighting", "fire_risk", "paths_traffic"],
        "autumn",
        "evening",
        "bestyrelsen.afd12@example.dk",
        "",
    ),
    (
        "planned",
        "accepted",
        12,
        "council",
        "Nørresundby Samråd",
        "Bredgade Torv, Nørresundby",
        57.05870,
        9.92290,
        "Vi får mange henvendelser om utryghed på torvet om aftenen: larm, flasker og mørke "
        "hjørner ved biblioteket.",
        ["behaviour", "waste", "lighting"],
        "any",
        "evening",
        None,
        "",
    ),
    (
        None,
        "new",
        3,
        "resident",
        "",
        "Karolinelunden, Aalborg",
        57.04640,
        9.92890,
        "Stien langs skråningen er helt mørk efter kl. 17, og buskene er vokset ind over den. "
        "Jeg går en omvej, når jeg kommer hjem fra arbejde.",
        ["lighting", "vegetation", "sightlines"],
        "winter",
        "evening",
        "beboer.karolinelunden@example.dk",
        "",
    ),
    (
        None,
        "new",
        18,
        "resident",
        "",
        "Kildeparken, Aalborg",
        None,
        None,
        "Der ligger meget affald ved bænkene, og jeg har set knust glas på legepladsen.",
        ["waste", "furniture"],
        "spring",
        "daytime",
        None,
        "",
    ),
    (
        None,
        "declined",
        40,
        "local_group",
        "Cityforeningen",
        "Jomfru Ane Gade, Aalborg",
        57.04930,
        9.92130,
        "Utryghed i gaden sent om natten i weekenderne.",
        ["behaviour", "waste"],
        "any",
        "night",
        None,
        "Nattelivet i Jomfru Ane Gade er en del af Tryg Nattelivs indsats med politiet. Vi tager "
        "jeres henvendelse med til det næste møde i januar i stedet for en tryghedsvandring.",
    ),
)


def seed_demo_requests(
    session: Session, coordinator_id: int, walks: dict[str, Walk], now: datetime
) -> int:
    for (
        walk_key,
        status,
        days,
        kind,
        organisation,
        place,
        lat,
        lon,
        reason,
        categories,
        season,
        time_of_day,
        email,
        decline_reason,
    ) in REQUESTS:
        created = now - timedelta(days=days, hours=3)
        area = match_area(session, lat, lon, place)
        answered = status != "new"
        session.add(
            WalkRequest(
                requester_kind=kind,
                organisation=organisation,
                place_name=place,
                lat=lat,
                lon=lon,
                area_id=area.id if area else None,
                reason=reason,
                categories=categories,
                season=season,
                time_of_day=time_of_day,
                email=email,
                email_consent=email is not None,
                locale="da",
                status=status,
                decline_reason=decline_reason,
                answered_at=created + timedelta(days=2) if answered else None,
                answered_by_id=coordinator_id if answered else None,
                walk=walks[walk_key] if walk_key else None,
                created_at=created,
                updated_at=created,
            )
        )
    session.flush()
    return len(REQUESTS)
