"""What a walk's follow-up report says, computed from the data; no Flask.

The report is built from `ReportContent`, which holds only what may be published: categories,
positions, addresses, staff-written issue titles, statuses, public comments and the chosen
photos. No participant names, no reporters' text or contact data, no internal notes, so a
template cannot leak them by accident.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation, Photo

# The reporters' tracking page and the report tell a finding's history the same way.
from fieldapp.followup.services import PublicEvent, effective_issue
from fieldapp.followup.services import _public_events as public_events
from fieldapp.followup.services import _public_status as public_status
from fieldapp.plans.models import ActionItem
from fieldapp.triage.after_photos import public_after_photos
from fieldapp.triage.models import Issue
from fieldapp.walkreports.models import WalkReport
from fieldapp.walks.models import Participant, Walk

# Public groups of a finding's status: the report's sections.
DONE = "done"
UNDER_WAY = "under_way"
NOT_DONE = "not_done"
NOT_ASSESSED = "not_assessed"
GROUP_OF_STATUS = {
    "resolved": DONE,
    "new": UNDER_WAY,
    "triaged": UNDER_WAY,
    "forwarded": UNDER_WAY,
    "in_progress": UNDER_WAY,
    "not_responsible": UNDER_WAY,
    "rejected": NOT_DONE,
}


@dataclass(frozen=True)
class ReportPhoto:
    id: int
    width: int
    height: int
    after: bool  # taken after the finding was resolved
    # Only blurred photos that staff have not hidden are chosen (see media.views.public_photo_url).
    is_public: bool = True


@dataclass
class Finding:
    number: int
    category: str
    title: str
    address: str
    lat: float | None
    lon: float | None
    observations: int
    status: str  # a key of followup.services.PUBLIC_STATUS_LABELS
    group: str
    administration: str | None
    status_at: datetime | None
    due_at: datetime | None
    reason: str = ""  # the public reason, for findings that will not be acted on
    steps: list[PublicEvent] = field(default_factory=list)
    photos: list[ReportPhoto] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedItem:
    description: str
    administration: str | None
    deadline: date | None
    status: str  # a key of plans.models.ACTION_STATUS_LABELS
    completed_at: datetime | None
    finding_number: int | None


@dataclass(frozen=True)
class MapPoint:
    number: int
    x: float
    y: float
    group: str


@dataclass(frozen=True)
class ReportMap:
    """Findings over the area outline, projected to SVG units (north up)."""

    width: int
    height: int
    outline: list[str]  # SVG path data, one per polygon ring
    points: list[MapPoint]


@dataclass
class ReportContent:
    walk_title: str
    place_name: str
    starts_at: datetime
    area_name: str | None
    introduction: str
    participants: int
    observations: int
    by_category: list[tuple[str, int]]
    findings: list[Finding]
    planned: list[PlannedItem]
    completed_actions: list[PlannedItem]
    cancelled_actions: list[PlannedItem]
    map: ReportMap | None
    published_at: datetime | None
    updated_at: datetime | None

    def in_group(self, group: str) -> list[Finding]:
        return [f for f in self.findings if f.group == group]


def _reason(issue: Issue) -> str:
    for event in reversed(issue.events):
        if event.kind == "status" and event.to_status == issue.status:
            return event.public_comment
    return ""


def _resolved_at(issue: Issue) -> datetime | None:
    if issue.status != "resolved":
        return None
    for event in reversed(issue.events):
        if event.kind == "status" and event.to_status == "resolved":
            return event.at
    return issue.status_changed_at


def walk_issues(session: Session, walk: Walk) -> list[Issue]:
    """The issues the walk's observations ended up in (duplicates followed), oldest first."""
    linked = session.scalars(
        select(Issue)
        .where(
            or_(
                Issue.walk_id == walk.id,
                Issue.id.in_(
                    select(Observation.issue_id).where(
                        Observation.walk_id == walk.id, Observation.issue_id.is_not(None)
                    )
                ),
            )
        )
        .options(selectinload(Issue.events), selectinload(Issue.administration))
        .order_by(Issue.created_at, Issue.id)
    ).all()
    seen: dict[int, Issue] = {}
    for issue in linked:
        target = effective_issue(issue, session)
        seen.setdefault(target.id, target)
    return list(seen.values())


def candidate_photos(session: Session, walk: Walk) -> list[Photo]:
    """Photos a coordinator may choose from: the walk's own, and later ones of its issues."""
    issue_ids = [i.id for i in walk_issues(session, walk)]
    where = Observation.walk_id == walk.id
    if issue_ids:
        where = or_(where, Observation.issue_id.in_(issue_ids))
    return list(
        session.scalars(
            select(Photo)
            .join(Observation, Photo.observation_id == Observation.id)
            .where(where, Photo.status == "ready")  # queued ones have no thumbnail yet
            .options(selectinload(Photo.observation))
            .order_by(Observation.created_at, Photo.position, Photo.id)
        )
    )


def area_rings(area: Area | None) -> list[list[tuple[float, float]]]:
    """The area's rings as (lat, lon) lists; empty when there is no area."""
    if area is None:
        return []
    geometry = json.loads(area.geometry)
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [[(lat, lon) for lon, lat in ring] for polygon in polygons for ring in polygon]


MAP_WIDTH = 600
MAP_MARGIN = 24


def build_map(rings: list[list[tuple[float, float]]], findings: list[Finding]) -> ReportMap | None:
    """Equirectangular projection around the area and the findings: fine at walk scale."""
    points = [(f.lat, f.lon) for f in findings if f.lat is not None and f.lon is not None]
    every = points + [p for ring in rings for p in ring]
    if not every:
        return None
    south, north = min(p[0] for p in every), max(p[0] for p in every)
    west, east = min(p[1] for p in every), max(p[1] for p in every)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-4)
    span_y = max(north - south, 1e-4)
    inner = MAP_WIDTH - 2 * MAP_MARGIN
    scale = inner / max(span_x, span_y * 1.25)
    width = MAP_WIDTH
    height = round(span_y * scale) + 2 * MAP_MARGIN
    x_offset = (inner - span_x * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = MAP_MARGIN + x_offset + (lon - west) * squeeze * scale
        y = MAP_MARGIN + (north - lat) * scale
        return round(x, 1), round(y, 1)

    outline = []
    for ring in rings:
        coords = [xy(lat, lon) for lat, lon in ring]
        outline.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
    map_points = [
        MapPoint(f.number, *xy(f.lat, f.lon), f.group)
        for f in findings
        if f.lat is not None and f.lon is not None
    ]
    return ReportMap(width, height, outline, map_points)


def _planned_item(item: ActionItem, numbers: dict[int, int]) -> PlannedItem:
    return PlannedItem(
        description=item.description,
        administration=item.administration.name if item.administration else None,
        deadline=item.deadline,
        status=item.status,
        completed_at=item.completed_at,
        finding_number=numbers.get(item.issue_id) if item.issue_id else None,
    )


def _action_items(session: Session, walk: Walk, issue_ids: list[int]) -> list[ActionItem]:
    """Items for the walk's issues, and items for its area decided since the walk."""
    conditions = []
    if issue_ids:
        conditions.append(ActionItem.issue_id.in_(issue_ids))
    if walk.area_id is not None:
        conditions.append(
            (ActionItem.area_id == walk.area_id) & (ActionItem.created_at >= walk.starts_at)
        )
    if not conditions:
        return []
    return list(
        session.scalars(
            select(ActionItem)
            .where(or_(*conditions))
            .options(selectinload(ActionItem.administration))
            .order_by(ActionItem.deadline.is_(None), ActionItem.deadline, ActionItem.id)
        )
    )


def report_content(session: Session, report: WalkReport) -> ReportContent:
    walk = report.walk
    chosen = report.photo_ids
    observations = list(
        session.scalars(
            select(Observation)
            .where(Observation.walk_id == walk.id)
            .options(selectinload(Observation.photos))
            .order_by(Observation.created_at, Observation.id)
        )
    )
    by_category: dict[str, int] = {}
    for obs in observations:
        by_category[obs.category] = by_category.get(obs.category, 0) + 1

    issues = walk_issues(session, walk)
    findings: list[Finding] = []
    numbers: dict[int, int] = {}
    for issue in issues:
        number = len(findings) + 1
        numbers[issue.id] = number
        status = public_status(issue)
        findings.append(
            Finding(
                number=number,
                category=issue.category,
                title=issue.title,
                address="",
                lat=issue.lat,
                lon=issue.lon,
                observations=0,
                status=status,
                group=GROUP_OF_STATUS.get(issue.status, UNDER_WAY),
                administration=issue.administration.name if issue.administration else None,
                status_at=issue.status_changed_at,
                due_at=issue.due_at if issue.status not in ("resolved", "rejected") else None,
                reason=_reason(issue) if issue.status == "rejected" else "",
                steps=public_events([issue]),
            )
        )
    by_issue = {issue.id: f for issue, f in zip(issues, findings, strict=True)}
    resolved_at = {issue.id: _resolved_at(issue) for issue in issues}

    # Observations in the issues (also later ones, e.g. an "after" photo), or left on their own.
    issue_observations = (
        list(
            session.scalars(
                select(Observation)
                .where(Observation.issue_id.in_(list(by_issue)))
                .options(selectinload(Observation.photos))
                .order_by(Observation.created_at, Observation.id)
            )
        )
        if by_issue
        else []
    )
    for obs in issue_observations:
        finding = by_issue[obs.issue_id]
        finding.observations += 1
        if not finding.address and obs.address:
            finding.address = obs.address
        done_at = resolved_at[obs.issue_id]
        finding.photos += [
            ReportPhoto(p.id, p.width, p.height, bool(done_at and obs.created_at >= done_at))
            for p in obs.photos
            if p.id in chosen and p.is_public
        ]
    # Then the staff's "after" photos of the work (blurred, not hidden): always shown, as the
    # administration's answer to the finding, after the reporters' photos from before.
    for issue in issues:
        by_issue[issue.id].photos += [
            ReportPhoto(p.id, p.width, p.height, True) for p in public_after_photos(issue)
        ]
    for obs in observations:
        if obs.issue_id is not None and obs.issue_id in by_issue:
            continue
        if obs.issue_id is not None:
            # In an issue that was merged into one shown above.
            continue
        findings.append(
            Finding(
                number=len(findings) + 1,
                category=obs.category,
                title="",
                address=obs.address,
                lat=obs.lat,
                lon=obs.lon,
                observations=1,
                status="received",
                group=NOT_ASSESSED,
                administration=None,
                status_at=obs.created_at,
                due_at=None,
                photos=[
                    ReportPhoto(p.id, p.width, p.height, False)
                    for p in obs.photos
                    if p.id in chosen and p.is_public
                ],
            )
        )

    items = [_planned_item(i, numbers) for i in _action_items(session, walk, list(numbers))]
    area = session.get(Area, walk.area_id) if walk.area_id else None
    participants = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.walk_id == walk.id)
    )
    return ReportContent(
        walk_title=walk.title,
        place_name=walk.place_name,
        starts_at=walk.starts_at,
        area_name=area.name if area else None,
        introduction=report.introduction,
        participants=participants or 0,
        observations=len(observations),
        by_category=sorted(by_category.items(), key=lambda r: (-r[1], r[0])),
        findings=findings,
        planned=[i for i in items if i.status in ("open", "in_progress")],
        completed_actions=[i for i in items if i.status == "done"],
        cancelled_actions=[i for i in items if i.status == "cancelled"],
        map=build_map(area_rings(area), findings),
        published_at=report.published_at,
        updated_at=report.republished_at
        if report.republished_at and report.republished_at != report.published_at
        else None,
    )
