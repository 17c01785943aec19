"""The yearly area report: the annual status a coordinator takes to the steering group.

Gathers the year's figures for one area from the other packages' plain functions: walks and
meetings held, observations by category, issues by status and resolution times, the success
criteria with their status for the year, the action plan, and the hot spots. No Flask here;
views render the result as HTML and, from the same template, as PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from fieldapp.areas.models import Area
from fieldapp.capture.models import Observation
from fieldapp.exports import periods
from fieldapp.meetings.models import Meeting
from fieldapp.plans.models import ActionItem
from fieldapp.plans.services import PlanFilter, is_overdue, status_counts
from fieldapp.stats import analyses
from fieldapp.stats.criteria import ShareResult, resolution_share, safety_average, year_bounds
from fieldapp.stats.progress import Standing, report_day, standing
from fieldapp.triage.models import Issue
from fieldapp.walkrequests.services import YearCounts, year_counts
from fieldapp.walks.models import Walk

RESOLUTION_DAYS = 90


@dataclass
class AreaReport:
    area: Area | None  # None: the whole municipality, findings outside every area included
    year: int
    walks: list[Walk]
    meetings: list[Meeting]
    observations_total: int
    observations_by_category: list[tuple[str, int]]
    safety_average: float | None
    issues_by_status: list[tuple[str, int]]
    issues_total: int
    resolved_within: ShareResult
    resolution: list[analyses.ResolutionRow]
    criteria: list[Standing]
    quarters: list[periods.PeriodCounts]
    as_of: date  # the day the criteria's status is told for: 31 December, or today
    plan_counts: dict[str, int]
    plan_overdue: list[ActionItem]
    plan_done: list[ActionItem]
    hot_spots: list[analyses.HotSpot]
    generated_at: datetime
    # Walk requests made in the year for this area: asked, accepted, declined, walked.
    walk_requests: YearCounts


def _held(session: Session, model, area_id: int | None, start: datetime, end: datetime) -> list:
    query = select(model).where(
        model.starts_at >= start, model.starts_at < end, model.status != "planned"
    )
    if area_id is not None:
        query = query.where(model.area_id == area_id)
    return list(session.scalars(query.order_by(model.starts_at)))


def area_report(
    session: Session, area: Area | None, year: int, today: date, tz: str, now: datetime
) -> AreaReport:
    """One area's year, or (area None) the whole municipality's: every area together plus the
    findings, walks and requests outside any area."""
    start, end = year_bounds(year, tz)
    as_of = report_day(date(year, 1, 1), date(year, 12, 31), today)
    area_id = periods.area_id_of(area)
    scope = analyses.Scope(area_id, date(year, 1, 1), date(year, 12, 31))

    by_category = session.execute(
        analyses.observations_query(scope, tz, Observation.category, func.count()).group_by(
            Observation.category
        )
    ).all()
    status_query = select(Issue.status, func.count()).where(
        Issue.created_at >= start, Issue.created_at < end
    )
    if area_id is not None:
        status_query = status_query.where(Issue.area_id == area_id)
    by_status = session.execute(status_query.group_by(Issue.status)).all()

    criteria = periods.criteria_of(session, area)

    items_query = select(ActionItem).options(joinedload(ActionItem.administration))
    if area_id is not None:
        items_query = items_query.where(ActionItem.area_id == area_id)
    items = session.scalars(
        items_query.order_by(ActionItem.deadline.is_(None), ActionItem.deadline, ActionItem.id)
    ).all()
    return AreaReport(
        area=area,
        year=year,
        walks=_held(session, Walk, area_id, start, end),
        meetings=_held(session, Meeting, area_id, start, end),
        observations_total=sum(n for _c, n in by_category),
        observations_by_category=sorted(by_category, key=lambda r: (-r[1], r[0])),
        safety_average=safety_average(session, area_id, year, tz),
        issues_by_status=sorted(by_status, key=lambda r: (-r[1], r[0])),
        issues_total=sum(n for _s, n in by_status),
        resolved_within=resolution_share(session, area_id, year, RESOLUTION_DAYS, tz, as_of=as_of),
        resolution=analyses.median_resolution(session, scope, tz),
        criteria=[standing(session, c, year, as_of, tz) for c in criteria],
        as_of=as_of,
        quarters=periods.quarters(session, area_id, year, today, tz),
        plan_counts=status_counts(session, PlanFilter(area_id=area_id), today),
        plan_overdue=[i for i in items if is_overdue(i, today)],
        plan_done=[
            i
            for i in items
            if i.status == "done" and i.completed_at and start <= i.completed_at < end
        ],
        hot_spots=analyses.hot_spots(session, scope, tz, limit=10),
        generated_at=now,
        walk_requests=year_counts(session, start, end, area_id),
    )
