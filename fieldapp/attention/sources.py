"""The registry of needs-attention sources.

A source is a plain function `(session, org_id | None, now) -> Select | list` returning the
items of one kind that need someone's attention, for one organisation (or all with None).
`@source(...)` attaches what the page and the digest need to show an item; SOURCES lists them
in display order. To add one (e.g. walk requests unanswered after 14 days), write the function,
decorate it, and append it to SOURCES. A source over issues tests `open_issue()` and only the
columns of the partial indexes ix_issue_open_by_id / _by_org (triage/models.py), so at a
million rows its capped count stays an index-only scan of the open backlog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, false, not_, or_, select
from sqlalchemy.orm import Session

from fieldapp.attention import settings
from fieldapp.orgs.models import Administration
from fieldapp.orgs.ownership import open_clause, organisations_without_active_members
from fieldapp.plans.models import ActionItem
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import OPEN_STATUSES
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Walk


@dataclass(frozen=True)
class Item:
    """One thing to look at, in a shape every page and mail can show."""

    kind: str
    id: int
    title: str
    endpoint: str
    values: dict[str, Any]
    org_id: int | None = None
    owner_id: int | None = None
    # The date that makes it need attention: a deadline, or the last status change.
    since: date | datetime | None = None


@dataclass(frozen=True)
class SourceInfo:
    code: str
    label: str  # msgid, e.g. "Open issues without an owner"
    group: str  # unowned | overdue | stale | organisations | ...
    kind: str
    # The model the query selects, for keyset paging and the owner filter; None for lists.
    model: Any
    describe: Callable[[Any], Item] = field(repr=False)


GROUP_LABELS = {
    "unowned": N_("Open items with no owner"),
    "overdue": N_("Overdue items"),
    "stale": N_("Stale items (no status change for a while)"),
    "organisations": N_("Organisations without active members"),
    "follow_up": N_("Follow-up waiting"),
}


def source(code: str, label: str, group: str, kind: str, model: Any, describe: Callable):
    def decorate(fn):
        fn.info = SourceInfo(code, label, group, kind, model, describe)
        return fn

    return decorate


def _issue(issue: Issue, since=None) -> Item:
    return Item(
        "issue",
        issue.id,
        f"#{issue.id} {issue.title}",
        "triage.issue",
        {"issue_id": issue.id},
        issue.administration_id,
        issue.owner_id,
        since,
    )


def _action_item(item: ActionItem, since=None) -> Item:
    title = item.description if len(item.description) <= 90 else item.description[:89] + "…"
    return Item(
        "action_item",
        item.id,
        title,
        "plans.edit_item",
        {"item_id": item.id},
        item.administration_id,
        item.owner_id,
        since,
    )


def _walk(walk: Walk) -> Item:
    return Item(
        "walk",
        walk.id,
        walk.title,
        "walks.detail",
        {"walk_id": walk.id},
        walk.administration_id,
        walk.owner_id,
        walk.starts_at,
    )


def _organisation(org: Administration) -> Item:
    return Item(
        "organisation",
        org.id,
        org.name,
        "orgs.edit_administration",
        {"administration_id": org.id},
        org.id,
    )


def open_issue():
    """Open issues, the statuses written into the SQL as literals: so the test is the very one
    of the partial indexes of the open backlog (triage.models.OPEN_ISSUE_SQL), which SQLite and
    PostgreSQL then use; with bound parameters SQLite never would (it compares expressions)."""
    statuses = bindparam(None, sorted(OPEN_STATUSES), expanding=True, literal_execute=True)
    return Issue.status.in_(statuses)


def _by_org(stmt: Select, model: Any, org_id: int | None) -> Select:
    return stmt if org_id is None else stmt.where(model.administration_id == org_id)


@source(
    "unowned_issues",
    N_("Routed issues without an owner"),
    "unowned",
    "issue",
    Issue,
    _issue,
)
def unowned_issues(session: Session, org_id: int | None, now: datetime) -> Select:
    # Issues not routed yet wait in the triage inbox; here: in an organisation's queue.
    stmt = select(Issue).where(
        open_issue(), Issue.owner_id.is_(None), Issue.administration_id.is_not(None)
    )
    return _by_org(stmt, Issue, org_id)


@source(
    "unowned_action_items",
    N_("Action items without an owner"),
    "unowned",
    "action_item",
    ActionItem,
    _action_item,
)
def unowned_action_items(session: Session, org_id: int | None, now: datetime) -> Select:
    stmt = select(ActionItem).where(open_clause("action_item"), ActionItem.owner_id.is_(None))
    return _by_org(stmt, ActionItem, org_id)


@source("unowned_walks", N_("Walks without an owner"), "unowned", "walk", Walk, _walk)
def unowned_walks(session: Session, org_id: int | None, now: datetime) -> Select:
    stmt = select(Walk).where(open_clause("walk"), Walk.owner_id.is_(None))
    return _by_org(stmt, Walk, org_id)


@source(
    "overdue_issues",
    N_("Issues past their due date"),
    "overdue",
    "issue",
    Issue,
    lambda issue: _issue(issue, issue.due_at),
)
def overdue_issues(session: Session, org_id: int | None, now: datetime) -> Select:
    stmt = select(Issue).where(open_issue(), Issue.due_at < now)
    return _by_org(stmt, Issue, org_id)


@source(
    "overdue_action_items",
    N_("Action items past their deadline"),
    "overdue",
    "action_item",
    ActionItem,
    lambda item: _action_item(item, item.deadline),
)
def overdue_action_items(session: Session, org_id: int | None, now: datetime) -> Select:
    stmt = select(ActionItem).where(open_clause("action_item"), ActionItem.deadline < now.date())
    return _by_org(stmt, ActionItem, org_id)


def _stale_issue_clause(now: datetime):
    special = {k: v for k, v in settings.STALE_DAYS.items() if k != "default"}
    default_cutoff = now - timedelta(days=settings.stale_days())
    clauses = [
        and_(Issue.category == category, Issue.status_changed_at < now - timedelta(days=days))
        for category, days in sorted(special.items())
    ]
    others = Issue.status_changed_at < default_cutoff
    if special:
        others = and_(not_(Issue.category.in_(sorted(special))), others)
    return or_(*clauses, others)


@source(
    "stale_issues",
    N_("Issues without a status change for too long"),
    "stale",
    "issue",
    Issue,
    lambda issue: _issue(issue, issue.status_changed_at),
)
def stale_issues(session: Session, org_id: int | None, now: datetime) -> Select:
    stmt = select(Issue).where(open_issue(), _stale_issue_clause(now))
    return _by_org(stmt, Issue, org_id)


@source(
    "stale_action_items",
    N_("Action items without a change for too long"),
    "stale",
    "action_item",
    ActionItem,
    lambda item: _action_item(item, item.updated_at),
)
def stale_action_items(session: Session, org_id: int | None, now: datetime) -> Select:
    cutoff = now - timedelta(days=settings.stale_days())
    stmt = select(ActionItem).where(open_clause("action_item"), ActionItem.updated_at < cutoff)
    return _by_org(stmt, ActionItem, org_id)


@source(
    "organisations_without_members",
    N_("Organisations without any active member"),
    "organisations",
    "organisation",
    None,
    _organisation,
)
def organisations_without_members(
    session: Session, org_id: int | None, now: datetime
) -> list[Administration]:
    orgs = organisations_without_active_members(session)
    return [o for o in orgs if org_id is None or o.id == org_id]


def _walk_request(req: WalkRequest) -> Item:
    return Item(
        "walk_request",
        req.id,
        req.place_name,
        "walkrequests.detail",
        {"request_id": req.id},
        None,
        None,
        req.created_at,
    )


@source(
    "unanswered_walk_requests",
    N_("Walk requests without an answer for too long"),
    "follow_up",
    "walk_request",
    WalkRequest,
    _walk_request,
)
def unanswered_walk_requests(session: Session, org_id: int | None, now: datetime) -> Select:
    """Requests reach the coordinators, not an organisation: only the all-organisations view."""
    cutoff = now - timedelta(days=settings.DEADLINES["request_answer"])
    stmt = select(WalkRequest).where(WalkRequest.status == "new", WalkRequest.created_at < cutoff)
    return stmt if org_id is None else stmt.where(false())


@source(
    "walks_without_report",
    N_("Closed walks without a published follow-up report"),
    "follow_up",
    "walk",
    Walk,
    _walk,
)
def walks_without_report(session: Session, org_id: int | None, now: datetime) -> Select:
    """The failure the source documents report: a walk found problems and nobody reported back."""
    cutoff = now - timedelta(days=settings.DEADLINES["report_due"])
    published = select(WalkReport.walk_id).where(WalkReport.published_at.is_not(None))
    stmt = select(Walk).where(
        Walk.status == "closed", Walk.starts_at < cutoff, Walk.id.not_in(published)
    )
    return _by_org(stmt, Walk, org_id)


SOURCES: tuple[Callable, ...] = (
    unowned_issues,
    unowned_action_items,
    unowned_walks,
    overdue_issues,
    overdue_action_items,
    stale_issues,
    stale_action_items,
    organisations_without_members,
    unanswered_walk_requests,
    walks_without_report,
)
SOURCES_BY_CODE = {fn.info.code: fn for fn in SOURCES}
