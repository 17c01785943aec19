"""Demo local group and meetings for Løvvangen, on top of the demo walks and issues.

The story a coordinator should see: Tryghedsgruppen Løvvangen met after the safety walk,
prioritised the findings by vote and agreed two actions — an information meeting for new
residents (held, counted as a safety initiative) and lighting on the path (overdue). The next
meeting is planned for next month. Names are Danish data, not interface text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.groups.models import GroupMember, LocalGroup
from fieldapp.meetings.findings import area_open_issue_ids
from fieldapp.meetings.models import Decision, Meeting, MeetingParticipant, Vote
from fieldapp.orgs.defaults import HOUSING, PARKS_ROADS
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import Issue

TZ = ZoneInfo("Europe/Copenhagen")
GROUP_NAME = "Tryghedsgruppen Løvvangen"

# (name, role, organisation, e-mail with consent or None)
MEMBERS = (
    ("Birgit Holm", "resident", "Løvvangen Samråd", "samraad.lovvangen@example.dk"),
    ("Ahmad Rahimi", "resident", "Afdelingsbestyrelsen, afd. 12", None),
    ("Jens Kristensen", "housing", "Sundby-Hvorup Boligselskab", "jk@example.dk"),
    ("Lene Mortensen", "police", "Nordjyllands Politi – nærpolitiet", None),
    ("Samira Haddad", "volunteer", "Bydelsmødrene i Løvvangen", None),
    ("Tryg Bydel-koordinator", "administration", "Aalborg Kommune", None),
)

# Joined by QR at the past meeting: (role, name, consented to the minutes)
PARTICIPANTS = (
    ("resident", "Birgit Holm", True),
    ("resident", None, False),
    ("resident", "Ahmad", False),
    ("resident", None, False),
    ("housing", "Jens Kristensen", True),
    ("police", None, False),
    ("place_user", None, False),
    ("municipality", None, False),
)

AGENDA = (
    "1. Velkomst og præsentation\n"
    "2. Fund fra tryghedsvandringen i Løvvangen\n"
    "3. Prioritering: hvad er vigtigst? (3 stemmer hver)\n"
    "4. Beslutninger og hvem gør hvad\n"
    "5. Næste møde"
)


def _local(day: datetime, hour: int) -> datetime:
    """`day`'s date at `hour`:00 Danish time, as aware UTC."""
    local = day.astimezone(TZ).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def _admin(session: Session, name: str) -> Administration | None:
    return session.scalar(select(Administration).where(Administration.name == name))


def _issue(issues, prefix: str):
    return next((i for i in issues if i.title.startswith(prefix)), None)


def seed_demo_meetings(session: Session, coordinator_id: int, now: datetime | None = None) -> dict:
    """The group, a closed meeting with votes and decisions, and a planned one; returns counts.

    Does nothing (returns zeros) when the Løvvangen area is missing or the group exists.
    """
    now = now or datetime.now(UTC)
    counts = {
        "groups": 0,
        "members": 0,
        "meetings": 0,
        "votes": 0,
        "decisions": 0,
        "action_items": 0,
    }
    area = session.scalar(select(Area).where(Area.name == "Løvvangen"))
    if area is None or session.scalar(select(LocalGroup).where(LocalGroup.name == GROUP_NAME)):
        return counts
    group = LocalGroup(
        name=GROUP_NAME,
        area_id=area.id,
        description="Følgegruppe for Tryg Bydel i Løvvangen: beboere, afdelingsbestyrelsen, "
        "boligselskabet, nærpolitiet, bydelsmødrene og kommunen. Mødes efter hver "
        "tryghedsvandring og to gange om året.",
    )
    session.add(group)
    for name, role, organisation, email in MEMBERS:
        group.members.append(
            GroupMember(
                name=name,
                role=role,
                organisation=organisation,
                email=email,
                contact_consent=email is not None,
            )
        )
    session.flush()
    counts.update(groups=1, members=len(MEMBERS))

    past = Meeting(
        group_id=group.id,
        area_id=area.id,
        title="Dialogmøde efter tryghedsvandringen",
        starts_at=_local(now - timedelta(days=21), 18),
        place="Beboerhuset, Løvvangsvej",
        agenda=AGENDA,
        status="closed",
        votes_per_participant=3,
        created_by_id=coordinator_id,
        notes="Godt fremmøde. Beboerne ønsker især lys på stien mellem blok 4 og 6. "
        "Boligselskabet inviterer nye beboere til informationsmøde.",
    )
    planned = Meeting(
        group_id=group.id,
        area_id=area.id,
        title="Opfølgningsmøde: status på handleplanen",
        starts_at=_local(now + timedelta(days=30), 17),
        place="Beboerhuset, Løvvangsvej",
        agenda="1. Status på aftalte handlinger\n2. Nye fund\n3. Næste tryghedsvandring",
        status="planned",
        votes_per_participant=3,
        created_by_id=coordinator_id,
    )
    session.add_all([past, planned])
    session.flush()
    counts["meetings"] = 2

    people = [
        MeetingParticipant(
            meeting_id=past.id,
            role=role,
            display_name=name,
            name_in_minutes=consent,
            joined_at=past.starts_at,
        )
        for role, name, consent in PARTICIPANTS
    ]
    session.add_all(people)
    session.flush()

    ids = area_open_issue_ids(session, area)
    in_area = select(Issue).where(Issue.id.in_(ids)).order_by(Issue.created_at, Issue.id)
    issues = session.scalars(in_area).all() if ids else []
    path = _issue(issues, "Stien mellem blok 4 og 6")
    waste = _issue(issues, "Storskrald")
    door = _issue(issues, "Hoveddøren til opgang 8")
    # (issue, participant indexes casting one dot each)
    dots = [(path, [0, 1, 2, 3, 5, 6, 7]), (door, [0, 1, 4, 3]), (waste, [2, 4, 5, 6])]
    for issue, voters in dots:
        if issue is None:
            continue
        for i in voters:
            session.add(
                Vote(
                    meeting_id=past.id,
                    participant_id=people[i].id,
                    issue_id=issue.id,
                    created_at=past.starts_at + timedelta(minutes=40),
                )
            )
            counts["votes"] += 1

    decided_at = past.starts_at + timedelta(hours=1)
    plan = (
        (
            waste,
            "Boligselskabet holder et informationsmøde for nye beboere om affald og storskrald.",
            "Informationsmøde for nye beboere om affaldsordningen",
            _admin(session, HOUSING),
            "done",
            14,
            True,
        ),
        (
            path,
            "Park og Vej sætter to nye lamper op og beskærer buskene på stien mellem blok 4 og 6.",
            "To nye lamper og beskæring på stien mellem blok 4 og 6",
            _admin(session, PARKS_ROADS),
            "open",
            14,
            False,
        ),
    )
    for issue, text, action, admin, status, days, initiative in plan:
        decision = Decision(
            meeting_id=past.id,
            issue_id=issue.id if issue else None,
            text=text,
            created_at=decided_at,
            created_by_id=coordinator_id,
        )
        session.add(decision)
        session.flush()
        deadline = (past.starts_at + timedelta(days=days)).astimezone(TZ).date()
        session.add(
            ActionItem(
                area_id=area.id,
                meeting_id=past.id,
                decision_id=decision.id,
                issue_id=decision.issue_id,
                description=action,
                administration_id=admin.id if admin else None,
                responsible_person="Jens Kristensen" if initiative else "",
                deadline=deadline,
                status=status,
                is_initiative=initiative,
                completed_at=decided_at + timedelta(days=days - 2) if status == "done" else None,
                created_at=decided_at,
                updated_at=decided_at,
            )
        )
        counts["decisions"] += 1
        counts["action_items"] += 1
    past.revision = counts["votes"] + counts["decisions"] + len(people)
    session.flush()
    return counts
