"""Turning observations into issues and editing them; plain functions on a session.

Status changes go through fieldapp.triage.workflow; merging lives in triage/duplicates.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fieldapp.areas.services import area_containing
from fieldapp.capture.models import Observation
from fieldapp.paging import Page, paginate
from fieldapp.routing.services import resolve_administration
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import PRIORITY_LABELS, Actor, due_date, record

# Severity a participant chose (1 minor, 2 serious, 3 urgent) → the issue's first priority.
SEVERITY_PRIORITY = {1: "low", 2: "normal", 3: "high"}
EDITABLE = ("title", "description", "category", "priority")
MAX_OBSERVATIONS = 100


class TriageError(ValueError):
    """Input a service refuses; `code` picks the translated message in the view."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IssueDraft:
    """What the "create issue" form starts with; the coordinator can change every field."""

    title: str
    description: str
    category: str
    priority: str
    lat: float | None
    lon: float | None
    walk_id: int | None
    area_id: int | None
    administration_id: int | None


def loose_observations(session: Session, ids: Sequence[int]) -> list[Observation]:
    """The observations with these ids, in that order, none of them in an issue yet.

    :raise TriageError: no ids, too many, an unknown id ("observation_missing") or one that
        already belongs to an issue ("observation_in_issue").
    """
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise TriageError("nothing_selected")
    if len(unique) > MAX_OBSERVATIONS:
        raise TriageError("too_many")
    rows = session.scalars(
        select(Observation)
        .where(Observation.id.in_(unique))
        .options(selectinload(Observation.photos), selectinload(Observation.participant))
    ).all()
    by_id = {o.id: o for o in rows}
    if len(by_id) != len(unique):
        raise TriageError("observation_missing")
    if any(o.issue_id is not None for o in rows):
        raise TriageError("observation_in_issue")
    return [by_id[i] for i in unique]


def centroid(observations: Sequence[Observation]) -> tuple[float | None, float | None]:
    """Mean position; at walk scale (a few hundred metres) that is the centroid."""
    points = [(o.lat, o.lon) for o in observations if o.has_position]
    if not points:
        return None, None
    return (
        round(sum(p[0] for p in points) / len(points), 7),
        round(sum(p[1] for p in points) / len(points), 7),
    )


def _place(observations: Sequence[Observation], area_name: str | None) -> str:
    for obs in observations:
        if obs.address:
            return obs.address
    if area_name:
        return area_name
    for obs in observations:
        if obs.walk is not None:
            return obs.walk.place_name
    return ""


def _area_id(session: Session, observations: Sequence[Observation], lat, lon) -> int | None:
    """The walk's area when the walk has one, else the smallest area around the position."""
    for obs in observations:
        if obs.walk is not None and obs.walk.area_id is not None:
            return obs.walk.area_id
    if lat is not None and lon is not None:
        area = area_containing(session, lat, lon)
        return area.id if area else None
    return None


def draft_issue(
    session: Session,
    observations: Sequence[Observation],
    category_label: Callable[[str], str] = lambda code: CATEGORY_BY_CODE[code].label,
) -> IssueDraft:
    """Prefill an issue: the most common category, "category – place", every text, the
    centroid, a priority from the highest severity and the administration the rules choose."""
    counts = Counter(o.category for o in observations)
    category = max(counts, key=lambda c: (counts[c], -[o.category for o in observations].index(c)))
    lat, lon = centroid(observations)
    area_id = _area_id(session, observations, lat, lon)
    area_name = None
    if area_id is not None:
        from fieldapp.areas.models import Area

        area = session.get(Area, area_id)
        area_name = area.name if area else None
    place = _place(observations, area_name)
    label = category_label(category)
    title = f"{label} – {place}" if place else label
    texts = [o.text.strip() for o in observations if o.text and o.text.strip()]
    severities = [o.severity for o in observations if o.severity]
    priority = SEVERITY_PRIORITY.get(max(severities), "normal") if severities else "normal"
    walks = {o.walk_id for o in observations}
    administration = resolve_administration(session, category, lat, lon, area_id)
    return IssueDraft(
        title=title[:200],
        description="\n\n".join(texts),
        category=category,
        priority=priority,
        lat=lat,
        lon=lon,
        walk_id=walks.pop() if len(walks) == 1 else None,
        area_id=area_id,
        administration_id=administration.id if administration else None,
    )


def _check_fields(category: str, priority: str, title: str) -> None:
    if not title.strip():
        raise TriageError("title_required")
    if category not in CATEGORY_BY_CODE:
        raise TriageError("unknown_category")
    if priority not in PRIORITY_LABELS:
        raise TriageError("unknown_priority")


def create_issue(
    session: Session,
    observations: Sequence[Observation],
    actor: Actor,
    *,
    title: str,
    description: str,
    category: str,
    priority: str,
    lat: float | None = None,
    lon: float | None = None,
) -> Issue:
    """Make an issue of loose observations and record who created it ("created" event).

    The position defaults to the observations' centroid. Forwarding is a separate step
    (workflow.change_status), so the e-mail it triggers shares that step's transaction.

    :raise TriageError: no observations, one already in an issue, or a bad field.
    """
    if not actor.coordinates:
        raise TriageError("not_allowed")
    if not observations:
        raise TriageError("nothing_selected")
    if any(o.issue_id is not None for o in observations):
        raise TriageError("observation_in_issue")
    _check_fields(category, priority, title)
    if lat is None or lon is None:
        lat, lon = centroid(observations)
    walks = {o.walk_id for o in observations}
    issue = Issue(
        title=title.strip()[:200],
        description=(description or "").strip(),
        category=category,
        priority=priority,
        status="new",
        lat=lat,
        lon=lon,
        walk_id=walks.pop() if len(walks) == 1 else None,
        area_id=_area_id(session, observations, lat, lon),
        created_by_id=actor.user_id,
    )
    session.add(issue)
    session.flush()
    for obs in observations:
        obs.issue_id = issue.id
    record(session, issue, actor, "created", to_status="new")
    session.flush()
    return issue


def _forwarded_at(issue: Issue):
    times = [e.at for e in issue.events if e.kind == "status" and e.to_status == "forwarded"]
    return max(times) if times else issue.status_changed_at


def edit_issue(
    session: Session,
    issue: Issue,
    actor: Actor,
    values: dict,
    describe: Callable[[list[str]], str] = lambda changed: "Changed: " + ", ".join(changed),
) -> IssueEvent | None:
    """Change title, description, category or priority; records an "edited" event naming
    the fields. A new priority moves the due date of a forwarded issue.

    :return: the event, or None when nothing changed.
    :raise TriageError: not a coordinator, or a bad field.
    """
    if not actor.coordinates:
        raise TriageError("not_allowed")
    new = {name: values.get(name, getattr(issue, name)) for name in EDITABLE}
    new["title"] = (new["title"] or "").strip()[:200]
    new["description"] = (new["description"] or "").strip()
    _check_fields(new["category"], new["priority"], new["title"])
    changed = [name for name in EDITABLE if getattr(issue, name) != new[name]]
    if not changed:
        return None
    for name in changed:
        setattr(issue, name, new[name])
    if "priority" in changed and issue.due_at is not None:
        issue.due_at = due_date(issue.priority, _forwarded_at(issue))
    event = record(session, issue, actor, "edited", internal_note=describe(changed))
    session.flush()
    return event


def issue_with_details(session: Session, issue_id: int) -> Issue | None:
    """An issue with what its page shows: observations (photos, participant) and events."""
    return session.scalar(
        select(Issue)
        .where(Issue.id == issue_id)
        .options(
            selectinload(Issue.events).joinedload(IssueEvent.user),
            selectinload(Issue.events).joinedload(IssueEvent.administration),
        )
    )


# A merged issue at a hot spot collects hundreds of observations; the page shows them in pages.
ISSUE_OBSERVATIONS_PER_PAGE = 25


def issue_observations(session: Session, issue: Issue, page: int = 1) -> Page:
    """One page of the issue's observations, newest first, with their photos, participant and
    walk; a page number past the end gives the last page."""
    query = (
        select(Observation)
        .where(Observation.issue_id == issue.id)
        .options(
            selectinload(Observation.photos),
            selectinload(Observation.participant),
            selectinload(Observation.walk),
        )
        .order_by(Observation.created_at.desc(), Observation.id.desc())
    )
    return paginate(session, query, page, ISSUE_OBSERVATIONS_PER_PAGE)
