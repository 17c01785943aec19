"""A bulk UPDATE or DELETE statement on observations or walks (area reassignment, retention, a
walk moved to another area) reads the ids of the observations it may change once and their
state once before and once after it, for every summary at once (stats/observation_changes.py):
the dashboard summary, the per-walk and hot-spot summaries and the map's cells each still equal
a recount of the raw rows afterwards."""

from __future__ import annotations

import re

import pytest
from dashboard_recount_checks import recount_places, stored_places
from sqlalchemy import delete, event, func, select, update
from stats_fixtures import make_area, make_obs, make_walk, utc
from summary_checks import recount, recounted_cells, stored_cells, stored_summary

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.models import Walk

# The SELECT of the ids a statement may change: of observations, or of the observations on
# the walks a statement changes.
ID_SELECT = re.compile(r"^SELECT observation\.id FROM observation WHERE")


@pytest.fixture
def statements(app):
    """Every statement sent from here on, whitespace collapsed."""
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def id_selects(statements: list[str]) -> list[str]:
    return [s for s in statements if ID_SELECT.match(s)]


def state_reads(statements: list[str]) -> list[str]:
    """The reads of the observations' state: every summary's columns in one SELECT."""
    return [s for s in statements if s.startswith("SELECT") and "observation.safety" in s]


def check() -> None:
    assert stored_summary() == recount()
    assert stored_places() == recount_places()
    assert stored_cells() == recounted_cells()


@pytest.fixture
def loose(app):
    """Six observations at Løvvangen made before its area was drawn: they have none."""
    walk = make_walk(None, utc(2025, 3, 1, 18))
    found = [
        make_obs(
            utc(2025, 3, 1, 18 + i % 3),
            walk=walk if i % 2 else None,
            safety=i % 5 + 1,
            category=("lighting", "vegetation")[i % 2],
            reporter_email=f"beboer{i}@example.dk",
            email_consent=True,
        )
        for i in range(6)
    ]
    return walk, found


def test_area_reassignment_reads_the_ids_once_for_every_summary(loose, runner, statements):
    area = make_area("Løvvangen")
    check()
    statements.clear()
    result = runner.invoke(args=["assign-areas"])
    assert result.exit_code == 0, result.output
    assert "0 walks, 6 observations" in result.output
    moves = [s for s in statements if s.startswith("UPDATE observation SET area_id")]
    assert len(moves) == 1
    assert len(id_selects(statements)) == 1
    assert len(state_reads(statements)) == 2  # before and after the statement
    db.session.expire_all()
    check()
    assert {key[0] for key in stored_summary()} == {area.id}


def test_retention_reads_the_ids_once_and_changes_no_summary(loose, runner, statements):
    before = stored_summary(), stored_places(), stored_cells()
    statements.clear()
    result = runner.invoke(args=["apply-retention", "--months", "1"])
    assert result.exit_code == 0, result.output
    assert len(id_selects(statements)) == 1
    assert len(state_reads(statements)) == 2
    emails = select(func.count()).where(Observation.reporter_email.is_not(None))
    assert db.session.scalar(emails) == 0
    assert (stored_summary(), stored_places(), stored_cells()) == before
    check()


@pytest.mark.parametrize("kind", ["walk moved", "observations deleted"])
def test_other_bulk_statements_read_once_and_keep_every_summary(loose, statements, kind):
    # (A DELETE also makes the issue list's stored filters, triage/issue_spans.py, read the
    # ids for the issues they touch: that is not a summary and counts its own.)
    walk, found = loose
    area = make_area("Løvvangen")
    gone = [o.id for o in found[:3]]
    statements.clear()
    if kind == "walk moved":
        db.session.execute(update(Walk).where(Walk.id == walk.id).values(area_id=area.id))
    else:
        db.session.execute(
            delete(Observation)
            .where(Observation.id.in_(gone))
            .execution_options(synchronize_session=False)
        )
    if kind == "walk moved":
        assert len(id_selects(statements)) == 1
    assert len(state_reads(statements)) == 2
    db.session.commit()
    db.session.expire_all()
    check()
