"""Possible duplicates nearby, and merging them into one issue.

Candidates are found with a bounding box in SQL (served by the lat/lon indexes) and then the
real distance (fieldapp.geo.distance_m), so the database never computes trigonometry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from fieldapp.capture.models import Observation, Photo
from fieldapp.geo import EARTH_RADIUS_M, distance_m
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import OPEN_STATUSES, Actor, Notifier, change_status, record

DEFAULT_RADIUS_M = 25.0
MAX_SUGGESTIONS = 20


class MergeError(ValueError):
    """A merge the rules refuse; `code` picks the translated message in the view."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Suggestions:
    """Loose observations and open issues near a point, each with its distance in metres."""

    observations: list[tuple[Observation, float]] = field(default_factory=list)
    issues: list[tuple[Issue, float]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.observations or self.issues)


def radius_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) that contains every point within `radius_m`, with margin."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def suggest_duplicates(
    session: Session,
    points: Sequence[tuple[str, float | None, float | None]],
    radius_m: float = DEFAULT_RADIUS_M,
    *,
    exclude_observation_ids: Sequence[int] = (),
    exclude_issue_id: int | None = None,
) -> Suggestions:
    """Same-category loose observations and open issues within `radius_m` of any point.

    `points` are (category, lat, lon), e.g. the issue itself or each selected observation;
    points without a position suggest nothing.
    """
    found_obs: dict[int, tuple[Observation, float]] = {}
    found_issues: dict[int, tuple[Issue, float]] = {}
    excluded = set(exclude_observation_ids)
    for category, lat, lon in points:
        if lat is None or lon is None:
            continue
        south, west, north, east = radius_box(lat, lon, radius_m)
        observations = session.scalars(
            select(Observation)
            .where(
                Observation.category == category,
                Observation.issue_id.is_(None),
                Observation.lat.between(south, north),
                Observation.lon.between(west, east),
            )
            .options(selectinload(Observation.photos))
            .limit(500)
        )
        for obs in observations:
            if obs.id in excluded:
                continue
            d = distance_m(lat, lon, obs.lat, obs.lon)
            if d <= radius_m and (obs.id not in found_obs or d < found_obs[obs.id][1]):
                found_obs[obs.id] = (obs, d)
        issues = session.scalars(
            select(Issue)
            .where(
                Issue.category == category,
                Issue.status.in_(sorted(OPEN_STATUSES)),
                Issue.lat.between(south, north),
                Issue.lon.between(west, east),
            )
            .limit(200)
        )
        for issue in issues:
            if issue.id == exclude_issue_id:
                continue
            d = distance_m(lat, lon, issue.lat, issue.lon)
            if d <= radius_m and (issue.id not in found_issues or d < found_issues[issue.id][1]):
                found_issues[issue.id] = (issue, d)
    by_distance = lambda pair: (pair[1], pair[0].id)  # noqa: E731
    return Suggestions(
        observations=sorted(found_obs.values(), key=by_distance)[:MAX_SUGGESTIONS],
        issues=sorted(found_issues.values(), key=by_distance)[:MAX_SUGGESTIONS],
    )


def suggestions_for_issue(session: Session, issue: Issue, radius_m: float) -> Suggestions:
    """Around the issue's position and around each of its observations."""
    points = [(issue.category, issue.lat, issue.lon)]
    observations = session.scalars(select(Observation).where(Observation.issue_id == issue.id))
    points += [(issue.category, o.lat, o.lon) for o in observations]
    return suggest_duplicates(session, points, radius_m, exclude_issue_id=issue.id)


def _default_describe(observation_ids: list[int], issue_ids: list[int]) -> str:
    parts = []
    if observation_ids:
        parts.append("observations " + ", ".join(f"#{i}" for i in observation_ids))
    if issue_ids:
        parts.append("issues " + ", ".join(f"#{i}" for i in issue_ids))
    return "Merged " + " and ".join(parts)


def merge_into(
    session: Session,
    target: Issue,
    actor: Actor,
    *,
    observation_ids: Sequence[int] = (),
    issue_ids: Sequence[int] = (),
    notify: Notifier | None = None,
    describe: Callable[[list[int], list[int]], str] = _default_describe,
    describe_source: Callable[[int], str] = lambda target_id: f"Merged into issue #{target_id}",
) -> IssueEvent:
    """Move loose observations and whole issues into `target`; nothing is deleted.

    Observations keep their texts and photos and only change issue. A merged issue becomes
    "duplicate" of the target through the workflow (so the audit trail and reporter updates
    follow the usual path) and hands its observations, duplicates and after photos over. The
    target gets a "merged" event naming the items and the user who merged.

    :raise MergeError: not a coordinator, nothing chosen, the target is itself a duplicate, an
        observation is gone or already in an issue, an issue is unknown or the target.
    :raise WorkflowError: a merged issue's status does not allow "duplicate" (e.g. in progress).
    """
    if not actor.coordinates:
        raise MergeError("not_allowed")
    obs_ids = list(dict.fromkeys(observation_ids))
    src_ids = list(dict.fromkeys(issue_ids))
    if not obs_ids and not src_ids:
        raise MergeError("nothing_selected")
    if target.status == "duplicate":
        raise MergeError("target_duplicate")
    if target.id in src_ids:
        raise MergeError("same_issue")

    observations = session.scalars(select(Observation).where(Observation.id.in_(obs_ids))).all()
    if len(observations) != len(obs_ids):
        raise MergeError("observation_missing")
    if any(o.issue_id is not None for o in observations):
        raise MergeError("observation_in_issue")
    sources = session.scalars(select(Issue).where(Issue.id.in_(src_ids))).all()
    if len(sources) != len(src_ids):
        raise MergeError("issue_missing")

    for obs in observations:
        obs.issue_id = target.id
    for source in sources:
        change_status(
            session,
            source,
            actor,
            "duplicate",
            internal_note=describe_source(target.id),
            notify=notify,
        )
        source.duplicate_of_id = target.id
        session.execute(
            update(Observation)
            .where(Observation.issue_id == source.id)
            .values(issue_id=target.id)
            .execution_options(synchronize_session="fetch")
        )
        # Staff's "after" photos go along, so the reporters of both see them.
        session.execute(
            update(Photo)
            .where(Photo.issue_id == source.id)
            .values(issue_id=target.id)
            .execution_options(synchronize_session="fetch")
        )
        session.expire(source, ["after_photos"])
        session.execute(
            update(Issue)
            .where(Issue.duplicate_of_id == source.id)
            .values(duplicate_of_id=target.id)
            .execution_options(synchronize_session="fetch")
        )
    session.expire(target, ["after_photos"])
    event = record(
        session,
        target,
        actor,
        "merged",
        internal_note=describe([o.id for o in observations], [s.id for s in sources]),
    )
    session.flush()
    return event
