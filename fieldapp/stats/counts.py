"""What happened between two moments: the counters behind criteria and period reports.

Each counter takes a half-open interval [start, end) of aware datetimes and an area (None: the
whole municipality). The yearly criteria (criteria.py) and the quarterly and half-yearly
reports (periods.py) ask the same functions, so a quarter's figures add up to the year's.
Plain functions on a session (no Flask).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, event, func, or_, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.meetings.models import Meeting
from fieldapp.plans.models import ActionItem
from fieldapp.stats import summary
from fieldapp.stats.models import ObservationMonth
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Walk


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(tz))


def day_bounds(first: date, last: date, tz: str) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in local time."""
    return local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)


def observation_in_area(area_id: int):
    """SQL: the observation belongs to the area — its own area, else its walk's area."""
    # correlate(None): a query that also joins Walk must not turn this into a correlated subquery.
    walks = select(Walk.id).where(Walk.area_id == area_id).correlate(None)
    return or_(
        Observation.area_id == area_id,
        and_(Observation.area_id.is_(None), Observation.walk_id.in_(walks)),
    )


def _count(session: Session, query) -> int:
    return session.scalar(query) or 0


def _held(session: Session, model, area_id: int | None, start: datetime, end: datetime) -> int:
    query = select(func.count(model.id)).where(
        model.starts_at >= start, model.starts_at < end, model.status != "planned"
    )
    if area_id is not None:
        query = query.where(model.area_id == area_id)
    return _count(session, query)


def walks_held(session: Session, area_id: int | None, start: datetime, end: datetime) -> int:
    """Walks that started in the interval and are no longer "planned" (they happened)."""
    return _held(session, Walk, area_id, start, end)


def meetings_held(session: Session, area_id: int | None, start: datetime, end: datetime) -> int:
    return _held(session, Meeting, area_id, start, end)


def initiatives_done(session: Session, area_id: int | None, start: datetime, end: datetime) -> int:
    """Action items marked as safety initiatives and done (completed_at) in the interval."""
    query = select(func.count(ActionItem.id)).where(
        ActionItem.is_initiative.is_(True),
        ActionItem.status == "done",
        ActionItem.completed_at >= start,
        ActionItem.completed_at < end,
    )
    if area_id is not None:
        query = query.where(ActionItem.area_id == area_id)
    return _count(session, query)


def observations_query(area_id: int | None, start: datetime, end: datetime, *columns):
    query = select(*columns).where(Observation.created_at >= start, Observation.created_at < end)
    if area_id is not None:
        query = query.where(observation_in_area(area_id))
    return query


_TOTALS = "observation_month_totals"


def month_totals(
    session: Session, area_id: int | None, months: tuple[int, int], category: str | None
) -> tuple[int, int, int]:
    """(observations, sum of safety feelings, how many gave one) of whole summary months.

    Remembered until the session flushes or its transaction ends: a dashboard asks for each
    year's count and safety, and for the year before each year again (one query, not five).
    """
    key = (area_id, months, category)
    cache = session.info.setdefault(_TOTALS, {})
    if session.new or session.dirty or session.deleted:
        cache.clear()  # unflushed changes: the query below flushes them and counts afresh
    if key not in cache:
        m = ObservationMonth
        columns = [func.sum(m.count), func.sum(m.safety_sum), func.sum(m.safety_count)]
        query = summary.summary_query(columns, area_id, months)
        if category:
            query = query.where(m.category == category)
        cache[key] = tuple(int(v or 0) for v in session.execute(query).one())
    return cache[key]


@event.listens_for(Session, "after_flush")
def _forget_totals(session: Session, _context) -> None:
    session.info.pop(_TOTALS, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_totals_at_end(session: Session, _transaction) -> None:
    session.info.pop(_TOTALS, None)


def observations_made(
    session: Session,
    area_id: int | None,
    start: datetime,
    end: datetime,
    category: str | None = None,
) -> int:
    """Observations created in the interval; only one taxonomy category when given.

    Whole months come from the summary table (stats/summary.py), the days at either edge
    from the observations themselves.
    """
    months, raw = summary.month_split(start, end)
    total = 0
    if months:
        total += month_totals(session, area_id, months, category)[0]
    for lo, hi in raw:
        query = observations_query(area_id, lo, hi, func.count(Observation.id))
        if category:
            query = query.where(Observation.category == category)
        total += _count(session, query)
    return total


def safety_sum_count(
    session: Session, area_id: int | None, start: datetime, end: datetime
) -> tuple[int, int]:
    """(sum of the safety feelings, how many gave one) of the interval's observations."""
    months, raw = summary.month_split(start, end)
    total = n = 0
    if months:
        _, total, n = month_totals(session, area_id, months, None)
    for lo, hi in raw:
        columns = [func.sum(Observation.safety), func.count(Observation.safety)]
        got = session.execute(observations_query(area_id, lo, hi, *columns)).one()
        total, n = total + int(got[0] or 0), n + int(got[1] or 0)
    return total, n


def issues_opened(session: Session, area_id: int | None, start: datetime, end: datetime) -> int:
    query = select(func.count(Issue.id)).where(Issue.created_at >= start, Issue.created_at < end)
    if area_id is not None:
        query = query.where(Issue.area_id == area_id)
    return _count(session, query)


def issues_resolved(session: Session, area_id: int | None, start: datetime, end: datetime) -> int:
    """Issues set to "resolved" in the interval (each issue once, however often reopened)."""
    query = (
        select(func.count(func.distinct(IssueEvent.issue_id)))
        .join(Issue, Issue.id == IssueEvent.issue_id)
        .where(
            IssueEvent.kind == "status",
            IssueEvent.to_status == "resolved",
            IssueEvent.at >= start,
            IssueEvent.at < end,
        )
    )
    if area_id is not None:
        query = query.where(Issue.area_id == area_id)
    return _count(session, query)
