"""Walk rules shared by views, the CLI and the demo data."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.areas.assign import assign_walk
from fieldapp.capture.models import Observation
from fieldapp.taxonomy import PARTICIPANT_ROLE_LABELS
from fieldapp.walks.models import Participant, Walk

WALK_FIELDS = (
    "title",
    "place_name",
    "starts_at",
    "meeting_point",
    "meeting_lat",
    "meeting_lon",
    "description",
    "organiser",
    "status",
)


def local_to_utc(value: datetime, tz: str) -> datetime:
    """A naive local time from a form, read in the walk's time zone, as aware UTC."""
    return value.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def utc_to_local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def apply_walk_fields(walk: Walk, data: dict, tz: str, session: Session | None = None) -> Walk:
    """Copy a walk form's data; with a session, the area left empty is found from the meeting
    point (and a saved walk's observations and issues follow a changed area)."""
    for name in WALK_FIELDS:
        if name in data:
            setattr(walk, name, data[name])
    walk.starts_at = local_to_utc(data["starts_at"], tz)
    for name in ("title", "place_name", "meeting_point", "organiser", "description"):
        setattr(walk, name, (getattr(walk, name) or "").strip())
    if session is not None:
        assign_walk(session, walk, data.get("area_id"))
    elif "area_id" in data:
        walk.area_id = data["area_id"]
    return walk


def walks_with_counts(session: Session) -> list[tuple[Walk, int, int]]:
    """Every walk, newest first, with its observation and participant counts."""
    obs = (
        select(Observation.walk_id, func.count().label("n"))
        .group_by(Observation.walk_id)
        .subquery()
    )
    people = (
        select(Participant.walk_id, func.count().label("n"))
        .group_by(Participant.walk_id)
        .subquery()
    )
    rows = session.execute(
        select(Walk, func.coalesce(obs.c.n, 0), func.coalesce(people.c.n, 0))
        .outerjoin(obs, obs.c.walk_id == Walk.id)
        .outerjoin(people, people.c.walk_id == Walk.id)
        .order_by(Walk.starts_at.desc(), Walk.id.desc())
    )
    return [(w, n_obs, n_people) for w, n_obs, n_people in rows]


def join_participant(
    session: Session,
    walk: Walk,
    role: str,
    display_name: str | None,
    email: str | None = None,
    locale: str | None = None,
) -> Participant:
    """Add a participant; an e-mail address (kept only with consent) gets the follow-up report."""
    if role not in PARTICIPANT_ROLE_LABELS:
        raise ValueError(f"unknown role {role!r}")
    email = (email or "").strip() or None
    participant = Participant(
        walk=walk,
        role=role,
        display_name=(display_name or "").strip() or None,
        email=email,
        email_consent=email is not None,
        locale=locale,
    )
    session.add(participant)
    session.flush()
    return participant
