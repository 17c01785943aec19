"""The action plan (handleplan): listing, creating and progressing action items.

Plain functions on a session. Items come from meeting decisions (the meetings package makes
them) or are added here directly; either way they are listed, filtered and progressed the same.
Error codes are plain strings the view turns into translated messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from fieldapp.areas.models import Area
from fieldapp.db import utcnow
from fieldapp.meetings.models import Decision, Meeting
from fieldapp.orgs.models import Administration
from fieldapp.paging import Page, paginate
from fieldapp.plans.models import ACTION_STATUS_LABELS, ActionItem
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue

# Statuses in which an item still has to be done (and so can be overdue).
PENDING_STATUSES = frozenset({"open", "in_progress"})
# The status filter: single statuses plus these groups.
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    ("all", N_("All")),
    ("pending", N_("Not done yet")),
    ("overdue", N_("Overdue")),
)
STATUS_FILTER_CODES = frozenset({code for code, _ in STATUS_FILTERS} | set(ACTION_STATUS_LABELS))
MAX_DESCRIPTION = 2000


class PlanError(ValueError):
    """Bad input for an action item; `code` names the problem for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def is_overdue(item: ActionItem, today: date) -> bool:
    return item.status in PENDING_STATUSES and item.deadline is not None and item.deadline < today


@dataclass(frozen=True)
class PlanFilter:
    area_id: int | None = None
    status: str = "all"
    administration_id: int | None = None
    # Only items without an area (municipality-wide); area_id is ignored then.
    without_area: bool = False


def _filtered(query, f: PlanFilter, today: date):
    if f.without_area:
        query = query.where(ActionItem.area_id.is_(None))
    elif f.area_id is not None:
        query = query.where(ActionItem.area_id == f.area_id)
    if f.administration_id is not None:
        query = query.where(ActionItem.administration_id == f.administration_id)
    if f.status == "pending":
        query = query.where(ActionItem.status.in_(sorted(PENDING_STATUSES)))
    elif f.status == "overdue":
        query = query.where(
            ActionItem.status.in_(sorted(PENDING_STATUSES)), ActionItem.deadline < today
        )
    elif f.status in ACTION_STATUS_LABELS:
        query = query.where(ActionItem.status == f.status)
    return query


ITEMS_PER_PAGE = 50


def items_page(
    session: Session, f: PlanFilter, today: date, number: int = 1, per_page: int = ITEMS_PER_PAGE
) -> Page:
    """Items in plan order: overdue first, then pending by deadline, then done and cancelled;
    a page at a time, since done items stay in the plan year after year."""
    pending = ActionItem.status.in_(sorted(PENDING_STATUSES))
    rank = case(
        (pending & (ActionItem.deadline < today), 0),
        (pending, 1),
        (ActionItem.status == "done", 2),
        else_=3,
    )
    query = _filtered(select(ActionItem), f, today).options(joinedload(ActionItem.administration))
    # Pending items by deadline (none last), done items most recent first.
    query = query.order_by(
        rank,
        case((pending & ActionItem.deadline.is_(None), 1), else_=0),
        case((pending, ActionItem.deadline)),
        ActionItem.completed_at.desc(),
        ActionItem.id,
    )
    return paginate(session, query, number, per_page)


@dataclass
class Sources:
    """Where items came from, looked up in one query per kind for a whole list."""

    meetings: dict[int, Meeting] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)
    issues: dict[int, tuple[int, str]] = field(default_factory=dict)
    areas: dict[int, str] = field(default_factory=dict)


def sources_for(session: Session, items: list[ActionItem]) -> Sources:
    def ids(attr: str) -> list[int]:
        return sorted({getattr(i, attr) for i in items if getattr(i, attr) is not None})

    found = Sources()
    if meeting_ids := ids("meeting_id"):
        found.meetings = {
            m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
        }
    if decision_ids := ids("decision_id"):
        found.decisions = {
            d.id: d for d in session.scalars(select(Decision).where(Decision.id.in_(decision_ids)))
        }
    if issue_ids := ids("issue_id"):
        rows = session.execute(select(Issue.id, Issue.title).where(Issue.id.in_(issue_ids)))
        found.issues = {row.id: (row.id, row.title) for row in rows}
    if area_ids := ids("area_id"):
        rows = session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids)))
        found.areas = {row.id: row.name for row in rows}
    return found


def status_counts(session: Session, f: PlanFilter, today: date) -> dict[str, int]:
    """Items per status for the filter's area/administration, plus "overdue" and "total"."""
    base = PlanFilter(f.area_id, "all", f.administration_id, f.without_area)
    rows = session.execute(
        _filtered(
            select(
                ActionItem.status,
                func.count(),
                func.sum(case((ActionItem.deadline < today, 1), else_=0)),
            ),
            base,
            today,
        ).group_by(ActionItem.status)
    ).all()
    # "overdue" is always there: the yearly report of an area without items reads it too.
    counts = Counter({code: 0 for code in ACTION_STATUS_LABELS}, overdue=0)
    for status, total, late in rows:
        counts[status] += total
        if status in PENDING_STATUSES:
            counts["overdue"] += late or 0
    counts["total"] = sum(total for _s, total, _l in rows)
    return dict(counts)


def area_overview(session: Session, today: date) -> list[dict]:
    """Every area (and "no area") with its pending, overdue and done counts, for /plans/."""
    pending = ActionItem.status.in_(sorted(PENDING_STATUSES))
    rows = session.execute(
        select(
            ActionItem.area_id,
            func.sum(case((pending, 1), else_=0)),
            func.sum(case((pending & (ActionItem.deadline < today), 1), else_=0)),
            func.sum(case((ActionItem.status == "done", 1), else_=0)),
            func.count(),
        ).group_by(ActionItem.area_id)
    ).all()
    by_area = {r[0]: (r[1] or 0, r[2] or 0, r[3] or 0, r[4]) for r in rows}
    result = []
    for area in session.scalars(select(Area).order_by(func.lower(Area.name))):
        p, o, d, t = by_area.get(area.id, (0, 0, 0, 0))
        result.append({"area": area, "pending": p, "overdue": o, "done": d, "total": t})
    if None in by_area:
        p, o, d, t = by_area[None]
        result.append({"area": None, "pending": p, "overdue": o, "done": d, "total": t})
    return result


def _check(
    session: Session,
    description: str,
    administration_id: int | None,
    responsible_person: str,
    area_id: int | None,
    status: str,
) -> str:
    description = (description or "").strip()
    if not description:
        raise PlanError("description_required")
    if len(description) > MAX_DESCRIPTION:
        raise PlanError("description_too_long")
    if administration_id is None and not (responsible_person or "").strip():
        raise PlanError("owner_required")
    if administration_id is not None and session.get(Administration, administration_id) is None:
        raise PlanError("unknown_administration")
    if area_id is not None and session.get(Area, area_id) is None:
        raise PlanError("unknown_area")
    if status not in ACTION_STATUS_LABELS:
        raise PlanError("unknown_status")
    return description


def save_item(
    session: Session,
    item: ActionItem | None,
    *,
    description: str,
    area_id: int | None,
    administration_id: int | None,
    responsible_person: str = "",
    deadline: date | None = None,
    status: str = "open",
    is_initiative: bool = False,
    now: datetime | None = None,
) -> ActionItem:
    """Create (item None) or update an action item; someone must own it.

    :raise PlanError: no description, no owner (administration or person), unknown references.
    """
    description = _check(
        session, description, administration_id, responsible_person, area_id, status
    )
    if item is None:
        item = ActionItem(status="open")
        session.add(item)
    item.description = description
    item.area_id = area_id
    item.administration_id = administration_id
    item.responsible_person = (responsible_person or "").strip()[:120]
    item.deadline = deadline
    item.is_initiative = bool(is_initiative)
    set_status(item, status, now)
    session.flush()
    return item


def set_status(item: ActionItem, status: str, now: datetime | None = None) -> bool:
    """Move an item to `status`; "done" stamps completed_at, leaving "done" clears it.

    :return: whether anything changed. :raise PlanError: unknown status.
    """
    if status not in ACTION_STATUS_LABELS:
        raise PlanError("unknown_status")
    if item.status == status and (status != "done" or item.completed_at is not None):
        return False
    item.status = status
    item.completed_at = (now or utcnow()) if status == "done" else None
    return True


def may_update_status(
    item: ActionItem, *, coordinates: bool, administration_id: int | None
) -> bool:
    """Coordinators any item; administration staff only their own administration's items."""
    if coordinates:
        return True
    return administration_id is not None and item.administration_id == administration_id
