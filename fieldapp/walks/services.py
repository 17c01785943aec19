"""Walk rules shared by views, the CLI and the demo data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fieldapp.areas.assign import assign_walk
from fieldapp.capture.models import Observation
from fieldapp.paging import Page, paginate
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


WALKS_PER_PAGE = 20


def walk_order() -> tuple:
    """Running walks first, then planned ones soonest first, then closed ones newest first:
    what a coordinator acts on comes before the archive."""
    group = case((Walk.status == "running", 0), (Walk.status == "planned", 1), else_=2)
    upcoming = case((Walk.status != "closed", Walk.starts_at))
    return group, upcoming.asc(), Walk.starts_at.desc(), Walk.id.desc()


def walks_page(session: Session, number: int = 1, per_page: int = WALKS_PER_PAGE) -> Page:
    """One page of walks in walk_order(), each row (walk, observations, participants).

    Counts only for the walks on the page: grouping the whole observation table costs ~0.4 s
    at a million observations. A page number past the end gives the last page.
    """
    page = paginate(session, select(Walk).order_by(*walk_order()), number, per_page)
    walks = page.rows
    ids = [w.id for w in walks]
    obs = dict(
        session.execute(
            select(Observation.walk_id, func.count())
            .where(Observation.walk_id.in_(ids))
            .group_by(Observation.walk_id)
        ).all()
    )
    people = dict(
        session.execute(
            select(Participant.walk_id, func.count())
            .where(Participant.walk_id.in_(ids))
            .group_by(Participant.walk_id)
        ).all()
    )
    return replace(page, rows=[(w, obs.get(w.id, 0), people.get(w.id, 0)) for w in walks])


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
