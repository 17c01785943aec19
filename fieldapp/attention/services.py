"""Counting and paging the needs-attention sources, per organisation and per owner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fieldapp.attention.sources import SOURCES, Item

# Pages and the start page count no further than this and show "999+": at a million rows an
# exact count of a backlog on every request costs more than the page (bench/triage.py).
COUNT_CAP = 999


def _query(fn: Callable, session: Session, org_id, now, owner_id: int | None):
    """The source's items, narrowed to one owner's when asked; None: the source cannot
    have an owner (an organisation), so it has nothing for a person."""
    result = fn(session, org_id, now)
    if owner_id is None:
        return result
    model = fn.info.model
    if model is None or not hasattr(model, "owner_id"):
        return None
    return result.where(model.owner_id == owner_id)


def _count_select(fn: Callable, result: Select, cap: int | None) -> Select:
    # Only the id: the count can then be read from an index alone (the partial indexes of the
    # open issues cover every column the issue sources test). With a cap, it stops at cap + 1.
    ids = result.with_only_columns(fn.info.model.id)
    if cap is not None:
        ids = ids.limit(cap + 1)
    return select(func.count()).select_from(ids.subquery())


def _count_list(result: list, cap: int | None) -> int:
    return len(result) if cap is None else min(len(result), cap + 1)


def _counts(session: Session, results: dict[Callable, Any], cap: int | None) -> dict:
    """Each source's count from its query result, the SQL ones all in one statement (one scalar
    subquery each, capped on its own): one round trip instead of one per source."""
    totals: dict[Callable, int] = {}
    subqueries = {}
    for fn, result in results.items():
        if result is None:
            totals[fn] = 0
        elif isinstance(result, Select):
            subqueries[fn] = _count_select(fn, result, cap).scalar_subquery()
        else:
            totals[fn] = _count_list(result, cap)
    if subqueries:
        row = session.execute(select(*subqueries.values())).one()
        totals.update((fn, n or 0) for fn, n in zip(subqueries, row, strict=True))
    return {fn: totals[fn] for fn in results}


def count(
    session: Session,
    fn: Callable,
    org_id: int | None,
    now: datetime,
    owner_id: int | None = None,
    cap: int | None = None,
) -> int:
    """The source's items; with a cap, counting stops at cap + 1 (shown as "999+")."""
    return _counts(session, {fn: _query(fn, session, org_id, now, owner_id)}, cap)[fn]


def _page(session: Session, fn: Callable, result, after: int | None, limit: int):
    if result is None:
        return [], None
    if isinstance(result, Select):
        model = fn.info.model
        if after is not None:
            result = result.where(model.id > after)
        rows = list(session.scalars(result.order_by(model.id).limit(limit + 1)))
    else:
        rows = sorted((r for r in result if after is None or r.id > after), key=lambda r: r.id)
        rows = rows[: limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    return [fn.info.describe(r) for r in rows], (rows[-1].id if more else None)


def page(
    session: Session,
    fn: Callable,
    org_id: int | None,
    now: datetime,
    *,
    after: int | None = None,
    limit: int = 25,
    owner_id: int | None = None,
) -> tuple[list[Item], int | None]:
    """Up to `limit` items with an id above `after`, oldest first; and the cursor of the next
    page (None on the last). Keyset paging: page 1000 costs what page 1 does."""
    return _page(session, fn, _query(fn, session, org_id, now, owner_id), after, limit)


@dataclass(frozen=True)
class Section:
    source: Callable
    count: int
    items: list[Item]
    next_after: int | None


def overview(
    session: Session,
    org_id: int | None,
    now: datetime,
    *,
    owner_id: int | None = None,
    limit: int = 10,
    sources: Iterable[Callable] = SOURCES,
    cap: int | None = None,
) -> list[Section]:
    """Every source with its count (capped if asked) and first items, the empty ones left out.

    All counts come in one statement; then one query per source that has items."""
    results = {fn: _query(fn, session, org_id, now, owner_id) for fn in sources}
    sections = []
    for fn, n in _counts(session, results, cap).items():
        if n:
            items, next_after = _page(session, fn, results[fn], None, limit)
            sections.append(Section(fn, n, items, next_after))
    return sections


def group_counts(
    session: Session,
    org_id: int | None,
    now: datetime,
    sources: Iterable[Callable] = SOURCES,
    cap: int | None = COUNT_CAP,
) -> dict[str, int]:
    """Counts per group (unowned, overdue, stale, organisations) for the start page.

    Each source counts up to cap + 1; a group above the cap is cap + 1 ("999+"), so the start
    page costs the same with a backlog of a thousand or of a million items.
    """
    results = {fn: _query(fn, session, org_id, now, None) for fn in sources}
    totals: dict[str, int] = {}
    for fn, n in _counts(session, results, cap).items():
        totals[fn.info.group] = totals.get(fn.info.group, 0) + n
    if cap is not None:
        totals = {group: min(n, cap + 1) for group, n in totals.items()}
    return totals
