"""Demo success criteria and action plan for Løvvangen, from the 2017–2018 source documents.

The sub-agreement "Tryghed og Trivsel" promised "at least 3 safety-creating initiatives a year
(2017–2020)" and measured experienced safety in the police's safety index (Løvvangen 60.9 in
2015 against Aalborg's 66.3). The years move to 2024–2027 so the dashboard shows a live
period: two past years, this year in progress, one to come. Earlier walks and initiatives are
added so the past years have something to count — one walk in 2025, as in the 2017 annual
report, so that year reads "missed".

Issue 8 adds one criterion of every other shape: vandalism reports falling 10 % a year (the
Slagelse agreement's yearly relative change; earlier years' reports are added so the change
has a base), the safety index entered per half-year with its source, and two milestones — the
dialogue forum (achieved, "established in 2017" moved to 2025) and a lighting plan due
30 June 2027, linked to its action item.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.orgs.defaults import FIRE, HOUSING, PARKS_ROADS, POLICE
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.walks.models import Walk

COORDINATOR = "Tryghedskoordinator, Aalborg Kommune"

# (title, kind, target, extra fields)
CRITERIA = (
    (
        "Mindst 3 tryghedsskabende initiativer om året (2024–2027)",
        "initiatives_per_year",
        3,
        {
            "data_source": "Handleplanen i fieldapp: afsluttede punkter markeret som "
            "tryghedsskabende initiativ, fx tryghedsvandringer og informationsmøder "
            "for nye beboere.",
            "measured_by": COORDINATOR,
        },
    ),
    (
        "Tryghedsvandringer: mindst 2 om året",
        "walks_per_year",
        2,
        {
            "data_source": "fieldapp: gennemførte tryghedsvandringer i Løvvangen.",
            "measured_by": "Tryg Bydel-gruppen",
        },
    ),
    (
        "80 % af sagerne løst inden for 90 dage",
        "share_resolved_within_days",
        80,
        {
            "days": 90,
            "data_source": "fieldapp: sager oprettet i året og løst, regnet fra oprettelse "
            "til løst.",
            "measured_by": COORDINATOR,
        },
    ),
    (
        "Politiets tryghedsindeks – oplevet tryghed",
        "manual",
        66.3,
        {
            "baseline": 60.9,
            "baseline_year": 2015,
            "data_source": "Politiets tryghedsindeks, Løvvangen. Målet er Aalborgs niveau i 2015.",
            "measured_by": "Nordjyllands Politi",
        },
    ),
    (
        "Gennemsnitlig tryghedsfølelse ved vandringer",
        "safety_average",
        3.5,
        {
            "data_source": "fieldapp: deltagernes tryghedsfølelse (1–5) ved observationerne.",
            "measured_by": COORDINATOR,
        },
    ),
)
# (year, period, value, source): yearly until 2024, then half-yearly.
INDEX_VALUES = (
    (2024, "", 62.4, "Politiets tryghedsindeks 2024"),
    (2025, "H1", 63.5, "Politiets tryghedsindeks, 1. halvår 2025"),
    (2025, "H2", 64.1, "Politiets tryghedsindeks, 2. halvår 2025"),
    (2026, "H1", 65.2, "Politiets tryghedsindeks, 1. halvår 2026"),
)

# (description, administration name, deadline, status, completed on, initiative)
ACTION_ITEMS = (
    (
        "Informationsmøde for nye beboere om tryghed og naboskab",
        HOUSING,
        date(2024, 3, 15),
        "done",
        date(2024, 3, 12),
        True,
    ),
    (
        "Tryghedsvandring i mørketiden med beboere, politi og beredskab",
        PARKS_ROADS,
        date(2024, 11, 30),
        "done",
        date(2024, 11, 19),
        True,
    ),
    (
        "Nyt lys ved indkørslen fra Løvvangsvej",
        PARKS_ROADS,
        date(2024, 12, 31),
        "done",
        date(2024, 12, 4),
        True,
    ),
    (
        "Informationsmøde for nye beboere om tryghed og naboskab",
        HOUSING,
        date(2025, 3, 15),
        "done",
        date(2025, 3, 11),
        True,
    ),
    (
        "Brandforebyggende gennemgang af kældre og skakte",
        FIRE,
        date(2025, 6, 30),
        "done",
        date(2025, 6, 24),
        True,
    ),
    (
        "Lektiecafé og aftenåbent i beboerhuset",
        HOUSING,
        date(2025, 10, 1),
        "done",
        date(2025, 9, 29),
        True,
    ),
    (
        "Informationsmøde for nye beboere om tryghed og naboskab",
        HOUSING,
        date(2026, 3, 15),
        "done",
        date(2026, 3, 10),
        True,
    ),
    (
        "Oprydning i kælderskakten ved opgang 12 sammen med beredskabet",
        FIRE,
        date(2026, 11, 15),
        "done",
        date(2026, 10, 30),
        True,
    ),
    (
        "Beskæring af buskene ved legepladsen, så der er udsyn",
        HOUSING,
        date(2026, 10, 31),
        "in_progress",
        None,
        False,
    ),
    (
        "To nye lamper på stien mellem blok 4 og 6",
        PARKS_ROADS,
        date(2026, 12, 15),
        "in_progress",
        None,
        False,
    ),
    (
        "Nærbetjent deltager i beboermødet og fortæller om tryghedsindekset",
        POLICE,
        date(2027, 2, 28),
        "open",
        None,
        True,
    ),
)

# Earlier walks, so the walks criterion has past years to count.
PAST_WALKS = (
    ("Tryghedsvandring i Løvvangen (forår)", datetime(2024, 4, 16, 16, 0, tzinfo=UTC)),
    ("Tryghedsvandring i Løvvangen (mørketid)", datetime(2024, 11, 19, 16, 30, tzinfo=UTC)),
    ("Tryghedsvandring i Løvvangen", datetime(2025, 11, 11, 16, 30, tzinfo=UTC)),
)


def seed_demo_stats(session: Session) -> dict:
    """Criteria, index values, action items and past walks for Løvvangen; a municipality-wide
    inquiries criterion. Needs the demo areas and administrations; returns what it added
    ({} when there is no Løvvangen or it already has criteria)."""
    area = session.scalar(select(Area).where(Area.name == "Løvvangen"))
    if area is None or session.scalar(
        select(SuccessCriterion.id).where(SuccessCriterion.area_id == area.id).limit(1)
    ):
        return {}  # no demo area, or already seeded
    admins = {a.name: a for a in session.scalars(select(Administration))}
    added = {"criteria": 0, "values": 0, "action_items": 0, "walks": 0}
    from fieldapp.demo_criteria_shapes import seed_change_and_milestones, seed_vandalism

    added["observations"] = seed_vandalism(session, area, admins.get(HOUSING))
    for title, kind, target, extra in CRITERIA:
        criterion = SuccessCriterion(
            area_id=area.id,
            title=title,
            kind=kind,
            target=target,
            direction="at_least",
            first_year=2024,
            last_year=2027,
            **extra,
        )
        session.add(criterion)
        if kind == "manual":
            for year, period, value, source in INDEX_VALUES:
                criterion.values.append(
                    CriterionValue(year=year, period=period, value=value, source=source)
                )
                added["values"] += 1
        added["criteria"] += 1
    added["criteria"] += seed_change_and_milestones(session, area, admins)
    session.add(
        SuccessCriterion(
            area_id=None,
            title="100 borgerhenvendelser behandlet om året",
            kind="inquiries_per_year",
            target=100,
            direction="at_least",
            data_source="fieldapp: observationer fra vandringer, møder og Giv et Praj-lignende "
            "indberetninger (Open311).",
            measured_by=COORDINATOR,
        )
    )
    added["criteria"] += 1
    for description, admin_name, deadline, status, done_on, initiative in ACTION_ITEMS:
        admin = admins.get(admin_name)
        session.add(
            ActionItem(
                area_id=area.id,
                description=description,
                administration_id=admin.id if admin else None,
                responsible_person="" if admin else "Afdelingsbestyrelsen",
                deadline=deadline,
                status=status,
                is_initiative=initiative,
                completed_at=datetime(done_on.year, done_on.month, done_on.day, 11, tzinfo=UTC)
                if done_on
                else None,
            )
        )
        added["action_items"] += 1
    for title, starts in PAST_WALKS:
        session.add(
            Walk(
                title=title,
                place_name="Løvvangen, Nørresundby",
                starts_at=starts,
                meeting_point="Beboerhuset, Løvvangsvej",
                meeting_lat=57.06915,
                meeting_lon=9.91080,
                organiser="Sundby-Hvorup Boligselskab og Aalborg Kommune",
                status="closed",
                area_id=area.id,
            )
        )
        added["walks"] += 1
    session.flush()
    return added
