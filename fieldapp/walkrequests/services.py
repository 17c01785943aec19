"""Walk request rules: creating, answering, the coordinators' queue and the yearly counts.

Plain functions on a session. The e-mails they cause are queued in the mail outbox in the
caller's transaction (see `mails`, which renders templates and so needs an app context).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.areas.services import area_containing, list_areas, parse_area_geojson
from fieldapp.db import utcnow
from fieldapp.paging import Page, paginate
from fieldapp.taxonomy import CATEGORY_BY_CODE, N_
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Walk

REQUESTER_KINDS: tuple[tuple[str, str], ...] = (
    ("council", N_("Local council (samråd)")),
    ("local_group", N_("Local group or association")),
    ("housing_board", N_("Housing association board")),
    ("resident", N_("Resident")),
    ("other", N_("Other")),
)
SEASONS: tuple[tuple[str, str], ...] = (
    ("any", N_("Any time of year")),
    ("spring", N_("Spring")),
    ("summer", N_("Summer")),
    ("autumn", N_("Autumn")),
    ("winter", N_("Winter")),
)
TIMES_OF_DAY: tuple[tuple[str, str], ...] = (
    ("any", N_("Any time of day")),
    ("daytime", N_("Daytime")),
    ("evening", N_("Evening, after dark")),
    ("night", N_("Late evening or night")),
)
# What the requester sees: "walked" is read from the linked walk.
STATUS_LABELS: dict[str, str] = {
    "new": N_("Received, not answered yet"),
    "accepted": N_("Accepted: a walk is planned"),
    "declined": N_("Declined"),
    "walked": N_("Walked"),
}
QUEUE_FILTERS: dict[str, str] = {
    "open": N_("Needs us"),
    "new": N_("Not answered"),
    "accepted": N_("Accepted"),
    "walked": N_("Walked"),
    "declined": N_("Declined"),
    "all": N_("All"),
}
UNANSWERED_DAYS = 14
# The hour a suggested walk starts, by the preferred time of day (the coordinator changes it).
START_HOUR = {"any": 18, "daytime": 14, "evening": 19, "night": 21}

KIND_LABELS = dict(REQUESTER_KINDS)
SEASON_LABELS = dict(SEASONS)
TIME_LABELS = dict(TIMES_OF_DAY)


class RequestError(ValueError):
    """A request that cannot be answered like that (already answered, no reason given)."""


def public_status(req: WalkRequest) -> str:
    """new, accepted, declined or walked (the linked walk was held or is closed)."""
    if req.status == "accepted" and req.walk is not None and req.walk.status != "planned":
        return "walked"
    return req.status


# A neighbourhood drawn by hand on a phone is a few hundred characters.
MAX_OUTLINE_CHARS = 20_000


def outline_point(outline: str) -> tuple[float, float] | None:
    """A point inside a drawn outline (lat, lon), to find its area and show it on a map."""
    if not outline:
        return None
    point = parse_area_geojson(outline).shape.representative_point()
    return point.y, point.x


def match_area(
    session: Session, lat: float | None, lon: float | None, place: str, outline: str = ""
) -> Area | None:
    """The area around the pin, else around the drawn outline, else one the place names."""
    if lat is None or lon is None:
        lat, lon = outline_point(outline) or (None, None)
    if lat is not None and lon is not None:
        return area_containing(session, lat, lon)
    folded = place.casefold()
    named = [a for a in list_areas(session) if a.name.casefold() in folded]
    return max(named, key=lambda a: len(a.name)) if named else None


def create_request(session: Session, data: dict, locale: str) -> WalkRequest:
    """Store a request from the public form's data; the address only with consent.

    :raise AreaError: the outline is not a valid polygon (the form checks it first).
    """
    consent = bool(data.get("email_consent")) and bool(data.get("email"))
    place = (data.get("place_name") or "").strip()
    lat, lon = data.get("lat"), data.get("lon")
    raw_outline = (data.get("outline") or "").strip()
    outline = parse_area_geojson(raw_outline).geometry if raw_outline else ""
    area = match_area(session, lat, lon, place, outline)
    req = WalkRequest(
        requester_kind=data["requester_kind"],
        organisation=(data.get("organisation") or "").strip(),
        place_name=place,
        lat=lat,
        lon=lon,
        outline=outline,
        area_id=area.id if area else None,
        reason=(data.get("reason") or "").strip(),
        categories=[c for c in data.get("categories") or [] if c in CATEGORY_BY_CODE],
        season=data.get("season") or "any",
        time_of_day=data.get("time_of_day") or "any",
        email=data["email"].strip() if consent else None,
        email_consent=consent,
        locale=locale,
        status="new",
    )
    session.add(req)
    session.flush()
    return req


def suggested_start(req: WalkRequest, tz: str, now: datetime | None = None) -> datetime:
    """Two weeks ahead at the preferred time of day: a placeholder the coordinator replaces."""
    local_day = ((now or utcnow()) + timedelta(days=14)).astimezone(ZoneInfo(tz)).date()
    hour = START_HOUR.get(req.time_of_day, 18)
    return datetime.combine(local_day, time(hour), ZoneInfo(tz)).astimezone(UTC)


def _check_new(req: WalkRequest) -> None:
    if req.status != "new":
        raise RequestError("already answered")


def walk_description(req: WalkRequest, kind_label: str, category_labels: list[str]) -> str:
    """The planned walk's description: who asked and why, in the coordinator's words later."""
    who = kind_label + (f" ({req.organisation})" if req.organisation else "")
    lines = [f"{who}:", req.reason] if req.reason else [who]
    if category_labels:
        lines.append(", ".join(category_labels))
    return "\n".join(lines).strip()


def accept_request(
    session: Session,
    req: WalkRequest,
    user_id: int | None,
    tz: str,
    title: str,
    description: str,
    now: datetime | None = None,
) -> Walk:
    """Create the planned walk from the request and link them; :raise RequestError: answered."""
    _check_new(req)
    walk = Walk(
        title=title[:200],
        place_name=req.place_name,
        starts_at=suggested_start(req, tz, now),
        meeting_point=req.place_name if req.lat is not None else "",
        meeting_lat=req.lat,
        meeting_lon=req.lon,
        description=description,
        organiser=req.organisation,
        status="planned",
        created_by_id=user_id,
        area_id=req.area_id,
    )
    session.add(walk)
    req.walk = walk
    req.status = "accepted"
    req.answered_at = now or utcnow()
    req.answered_by_id = user_id
    session.flush()
    return walk


def decline_request(
    session: Session, req: WalkRequest, reason: str, user_id: int | None, now=None
) -> None:
    """:raise RequestError: already answered, or no reason given."""
    _check_new(req)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError("a reason is required")
    req.status = "declined"
    req.decline_reason = reason
    req.answered_at = now or utcnow()
    req.answered_by_id = user_id
    session.flush()


def find_by_token(session: Session, token: str) -> WalkRequest | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(WalkRequest).where(WalkRequest.token == token))


REQUESTS_PER_PAGE = 30


def queue(session: Session, status: str = "open") -> list[WalkRequest]:
    """Every request under the `status` filter, in queue_query's order."""
    return list(session.scalars(queue_query(status)))


def queue_page(session: Session, status: str = "open", number: int = 1) -> Page:
    """One page of the queue: the public form takes requests for years, and "walked" and
    "declined" only grow."""
    return paginate(session, queue_query(status), number, REQUESTS_PER_PAGE)


def queue_query(status: str = "open") -> Select:
    """Unanswered requests first, oldest first; answered ones after, latest answer first.

    `open` is what still needs the coordinators: unanswered, or accepted and not walked yet.
    """
    query = select(WalkRequest).outerjoin(Walk, WalkRequest.walk_id == Walk.id)
    held = (
        (WalkRequest.status == "accepted") & (Walk.status.is_not(None)) & (Walk.status != "planned")
    )
    if status == "new":
        query = query.where(WalkRequest.status == "new")
    elif status == "declined":
        query = query.where(WalkRequest.status == "declined")
    elif status == "walked":
        query = query.where(held)
    elif status == "accepted":
        query = query.where(WalkRequest.status == "accepted", ~held)
    elif status == "open":
        query = query.where(
            (WalkRequest.status == "new") | ((WalkRequest.status == "accepted") & ~held)
        )
    unanswered_first = case((WalkRequest.status == "new", 0), else_=1)
    return query.order_by(
        unanswered_first,
        case((WalkRequest.status == "new", WalkRequest.created_at), else_=None),
        WalkRequest.answered_at.desc(),
        WalkRequest.id,
    )


def unanswered_count(
    session: Session, older_than_days: int = 0, now: datetime | None = None
) -> int:
    """Requests without an answer, or only those waiting longer than `older_than_days`."""
    query = select(func.count()).select_from(WalkRequest).where(WalkRequest.status == "new")
    if older_than_days:
        cutoff = (now or utcnow()) - timedelta(days=older_than_days)
        query = query.where(WalkRequest.created_at < cutoff)
    return session.scalar(query) or 0


@dataclass(frozen=True)
class YearCounts:
    asked: int
    accepted: int
    declined: int
    walked: int


def year_counts(
    session: Session, start: datetime, end: datetime, area_id: int | None = None
) -> YearCounts:
    """Requests made in [start, end): how many, and how many were accepted, declined, walked."""
    query = (
        select(WalkRequest.status, Walk.status, func.count())
        .outerjoin(Walk, WalkRequest.walk_id == Walk.id)
        .where(WalkRequest.created_at >= start, WalkRequest.created_at < end)
        .group_by(WalkRequest.status, Walk.status)
    )
    if area_id is not None:
        query = query.where(WalkRequest.area_id == area_id)
    rows = session.execute(query).all()
    total = sum(n for _s, _w, n in rows)
    accepted = sum(n for s, _w, n in rows if s == "accepted")
    declined = sum(n for s, _w, n in rows if s == "declined")
    walked = sum(n for s, w, n in rows if s == "accepted" and w not in (None, "planned"))
    return YearCounts(asked=total, accepted=accepted, declined=declined, walked=walked)


def _geometry(req: WalkRequest) -> dict | None:
    if req.lat is not None and req.lon is not None:
        return {"type": "Point", "coordinates": [req.lon, req.lat]}
    if req.outline:
        return json.loads(req.outline)
    return None


def requests_geojson(requests: list[WalkRequest], url_for_request) -> dict:
    """Requests with a pin or an outline, for the maps; `url_for_request(req)` links each."""
    features = []
    for r in requests:
        geometry = _geometry(r)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": r.id,
                    "kind": "walk_request",
                    "name": r.place_name,
                    "status": public_status(r),
                    "url": url_for_request(r),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def notify_report_published(session: Session, walk: Walk, report_url: str) -> int:
    """E-mail the consenting requesters of `walk` that its follow-up report is published.

    Remembers the link so the tracking page shows it. Queues the mails in the caller's
    transaction; needs an app context (templates). Returns how many mails were queued.
    """
    from fieldapp.walkrequests.mails import mail_requester

    sent = 0
    for req in session.scalars(select(WalkRequest).where(WalkRequest.walk_id == walk.id)):
        req.report_url = report_url[:500]
        if mail_requester(session, req, "report"):
            sent += 1
    session.flush()
    return sent
