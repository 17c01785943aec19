"""The needs-attention counts, which read partial indexes and come in one statement, against a
plain recount: every row loaded and each source's rule applied in Python.

The fixture has items for every source, and near-misses for each (closed, not yet due, fresh
for its category, answered, reported), across organisations and owners.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from attention_fixtures import *  # noqa: F403  (its pytest fixtures)
from attention_fixtures import NOW, days_ago, make_issue
from sqlalchemy import event, select, text

from fieldapp.attention import settings
from fieldapp.attention.services import count, group_counts, overview, page
from fieldapp.attention.sources import SOURCES, SOURCES_BY_CODE
from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.orgs.ownership import OPEN_WALK_STATUSES
from fieldapp.plans.models import ActionItem
from fieldapp.plans.services import PENDING_STATUSES
from fieldapp.triage.models import OPEN_ISSUE_SQL, Issue
from fieldapp.triage.workflow import OPEN_STATUSES
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Walk

ISSUE_SOURCES = ("unowned_issues", "overdue_issues", "stale_issues")


@pytest.fixture
def everything(town):
    """The town plus an item (and a near-miss) for every source, in several organisations."""
    parks, police = town.parks, town.police
    db.session.add_all(
        [
            # Categories with their own stale days: good_place 60, behaviour 7.
            make_issue(
                title="Bænk",
                category="good_place",
                administration_id=parks.id,
                status_changed_at=days_ago(30),
            ),
            make_issue(
                title="Gammel bænk",
                category="good_place",
                administration_id=parks.id,
                status_changed_at=days_ago(70),
            ),
            make_issue(
                title="Uro",
                category="behaviour",
                status="in_progress",
                administration_id=police.id,
                owner_id=town.per.id,
                status_changed_at=days_ago(8),
                due_at=days_ago(1),
            ),
            # Not routed, yet overdue and stale: counts for all organisations only.
            make_issue(
                title="Indbakke",
                status="triaged",
                due_at=days_ago(2),
                status_changed_at=days_ago(30),
            ),
            # Due tomorrow: not overdue.
            make_issue(title="Snart", administration_id=police.id, due_at=days_ago(-1)),
            # Closed in every way: nothing.
            make_issue(
                title="Afvist",
                status="rejected",
                administration_id=police.id,
                due_at=days_ago(40),
                status_changed_at=days_ago(40),
            ),
            make_issue(title="Dublet", status="duplicate", administration_id=parks.id),
        ]
    )
    db.session.add_all(
        [
            ActionItem(
                description="Ryd buskene",
                administration_id=police.id,
                status="open",
                updated_at=days_ago(30),
            ),
            ActionItem(
                description="Ny lampe",
                administration_id=parks.id,
                status="open",
                deadline=(NOW + timedelta(days=3)).date(),
                updated_at=days_ago(1),
            ),
            ActionItem(
                description="Afsluttet",
                administration_id=police.id,
                status="done",
                deadline=(NOW - timedelta(days=9)).date(),
                updated_at=days_ago(90),
            ),
        ]
    )
    reported = Walk(
        title="Rapporteret",
        place_name="Vejgård",
        starts_at=days_ago(60),
        status="closed",
        administration_id=police.id,
    )
    db.session.add_all(
        [
            reported,
            Walk(
                title="Glemt",
                place_name="Aalborg Øst",
                starts_at=days_ago(45),
                status="closed",
                administration_id=police.id,
                owner_id=town.per.id,
            ),
            Walk(
                title="Nylig",
                place_name="Hasseris",
                starts_at=days_ago(10),
                status="closed",
                administration_id=parks.id,
            ),
            Walk(
                title="I gang",
                place_name="Nørresundby",
                starts_at=NOW,
                status="running",
                administration_id=police.id,
                owner_id=town.per.id,
            ),
            WalkRequest(
                requester_kind="resident",
                place_name="Karolinelunden",
                reason="Mørkt",
                created_at=days_ago(20),
            ),
            WalkRequest(
                requester_kind="resident",
                place_name="Kildeparken",
                reason="Mørkt",
                created_at=days_ago(3),
            ),
            WalkRequest(
                requester_kind="resident",
                place_name="Østre Anlæg",
                reason="Mørkt",
                created_at=days_ago(30),
                status="declined",
            ),
        ]
    )
    db.session.flush()
    db.session.add(WalkReport(walk_id=reported.id, published_at=days_ago(20)))
    db.session.commit()
    return town


def _recount(code: str, org_id: int | None, owner_id: int | None) -> list[int]:
    """The source's rule applied to every row in Python: the ids it must list."""
    now, today = NOW, NOW.date()
    mine = lambda row: (  # noqa: E731
        (org_id is None or row.administration_id == org_id)
        and (owner_id is None or row.owner_id == owner_id)
    )
    issues = [i for i in db.session.scalars(select(Issue)) if i.status in OPEN_STATUSES]
    items = [a for a in db.session.scalars(select(ActionItem)) if a.status in PENDING_STATUSES]
    walks = list(db.session.scalars(select(Walk)))
    stale = lambda days: now - timedelta(days=days)  # noqa: E731
    rules = {
        "unowned_issues": lambda: [
            i for i in issues if i.owner_id is None and i.administration_id is not None
        ],
        "unowned_action_items": lambda: [a for a in items if a.owner_id is None],
        "unowned_walks": lambda: [
            w for w in walks if w.status in OPEN_WALK_STATUSES and w.owner_id is None
        ],
        "overdue_issues": lambda: [i for i in issues if i.due_at and i.due_at < now],
        "overdue_action_items": lambda: [a for a in items if a.deadline and a.deadline < today],
        "stale_issues": lambda: [
            i for i in issues if i.status_changed_at < stale(settings.stale_days(i.category))
        ],
        "stale_action_items": lambda: [
            a for a in items if a.updated_at < stale(settings.stale_days())
        ],
        "walks_without_report": lambda: [
            w
            for w in walks
            if w.status == "closed"
            and w.starts_at < now - timedelta(days=30)
            and not db.session.scalar(
                select(WalkReport.id).where(
                    WalkReport.walk_id == w.id, WalkReport.published_at.is_not(None)
                )
            )
        ],
    }
    if code == "organisations_without_members":
        if owner_id is not None:
            return []
        active = {u.administration_id for u in db.session.scalars(select(User)) if u.active}
        orgs = db.session.scalars(select(Administration).where(Administration.active.is_(True)))
        return sorted(o.id for o in orgs if o.id not in active and org_id in (None, o.id))
    if code == "unanswered_walk_requests":
        if org_id is not None or owner_id is not None:
            return []
        requests = db.session.scalars(select(WalkRequest))
        return sorted(r.id for r in requests if r.status == "new" and r.created_at < stale(14))
    return sorted(row.id for row in rules[code]() if mine(row))


def _scopes(town) -> list[tuple[int | None, int | None]]:
    orgs = [None, town.parks.id, town.police.id, town.empty.id, town.quiet.id]
    owners = [None, town.anna.id, town.per.id, town.bo.id]
    return [(o, u) for o in orgs for u in owners]


def test_every_source_has_something_to_count(everything) -> None:
    for fn in SOURCES:
        assert _recount(fn.info.code, None, None), fn.info.code


@pytest.mark.parametrize("cap", [None, 999, 2, 1])
def test_counts_equal_a_plain_recount_for_every_scope(everything, cap) -> None:
    for org_id, owner_id in _scopes(everything):
        expected = {fn: _recount(fn.info.code, org_id, owner_id) for fn in SOURCES}
        capped = {
            fn: len(ids) if cap is None else min(len(ids), cap + 1) for fn, ids in expected.items()
        }
        scope = f"org {org_id}, owner {owner_id}, cap {cap}"
        for fn in SOURCES:
            n = count(db.session, fn, org_id, NOW, owner_id=owner_id, cap=cap)
            assert n == capped[fn], f"{fn.info.code}, {scope}"
        sections = overview(db.session, org_id, NOW, owner_id=owner_id, limit=2, cap=cap)
        assert {s.source: s.count for s in sections} == {fn: n for fn, n in capped.items() if n}, (
            scope
        )
        for s in sections:
            # The first items are the lowest ids, in order; the cursor says whether more follow.
            assert [i.id for i in s.items] == expected[s.source][:2], f"{s.source.info.code}"
            assert (s.next_after is not None) == (len(expected[s.source]) > 2)
        if owner_id is None:
            groups: dict[str, int] = {}
            for fn, n in capped.items():
                groups[fn.info.group] = groups.get(fn.info.group, 0) + n
            if cap is not None:
                groups = {g: min(n, cap + 1) for g, n in groups.items()}
            assert group_counts(db.session, org_id, NOW, cap=cap) == groups, scope


def test_paging_a_source_lists_exactly_the_recount(everything) -> None:
    for org_id, owner_id in _scopes(everything):
        for fn in SOURCES:
            seen, after = [], None
            while True:
                items, after = page(
                    db.session, fn, org_id, NOW, after=after, limit=1, owner_id=owner_id
                )
                seen += [i.id for i in items]
                if after is None:
                    break
            assert seen == _recount(fn.info.code, org_id, owner_id), fn.info.code


def test_the_index_predicate_is_the_open_statuses() -> None:
    # A new open status needs a migration that rebuilds ix_issue_open_by_id / _by_org.
    listed = OPEN_ISSUE_SQL.removeprefix("status IN (").removesuffix(")").split(", ")
    assert listed == [f"'{status}'" for status in sorted(OPEN_STATUSES)]


@contextmanager
def sqlite_indexed_by(index: str):
    """Every statement on the issue table sent with INDEXED BY `index`: SQLite then fails
    ("no query solution") unless the statement can be answered from that index."""

    def rewrite(conn, cursor, statement, parameters, context, executemany):
        return re.sub(r"FROM issue\b", f"FROM issue INDEXED BY {index}", statement), parameters

    event.listen(db.engine, "before_cursor_execute", rewrite, retval=True)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", rewrite)


@pytest.mark.parametrize("code", ISSUE_SOURCES)
@pytest.mark.parametrize("index", ["ix_issue_open_by_id", "ix_issue_open_by_org"])
def test_the_issue_sources_can_read_the_open_issue_indexes(everything, code, index) -> None:
    """The counts and pages of each issue source, as the services send them, can be answered
    from the partial indexes of the open issues. On SQLite only if the statement's status test
    is the index's own, with literals (a bound parameter is another expression); on PostgreSQL
    the plan uses one when other paths are made dear."""
    fn = SOURCES_BY_CODE[code]
    for org_id in (None, everything.parks.id):
        expected = _recount(code, org_id, None)
        if db.engine.dialect.name == "sqlite":
            with sqlite_indexed_by(index):
                assert count(db.session, fn, org_id, NOW, cap=999) == len(expected)
                items, _ = page(db.session, fn, org_id, NOW, limit=100)
            assert [i.id for i in items] == expected
            continue
        if index == "ix_issue_open_by_org" and org_id is None:
            continue  # which one serves all organisations is the planner's choice
        stmt = fn(db.session, org_id, NOW).with_only_columns(Issue.id).order_by(Issue.id)
        sql = stmt.compile(db.engine, compile_kwargs={"render_postcompile": True})
        with db.engine.connect() as conn:
            for off in ("seqscan", "bitmapscan", "sort"):
                conn.execute(text(f"SET LOCAL enable_{off} = off"))
            plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}", sql.params).scalars())
        assert "ix_issue_open_by" in plan, plan
