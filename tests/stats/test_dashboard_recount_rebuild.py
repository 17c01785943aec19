"""SQL sent past the app leaves the stored walk_month and cell_month rows and the issues'
resolution times wrong; place_summary.rebuild and issue_times.rebuild, and `flask stats-summary`
which runs them, recount them to what the dashboards would compute from the raw rows."""

from __future__ import annotations

from dashboard_recount_checks import (  # noqa: F401 (fixtures)
    check,
    fixture_world,
    recount_places,
    recount_times,
    stored_places,
    stored_times,
)

from fieldapp.extensions import db
from fieldapp.stats import issue_times, place_summary
from fieldapp.stats.models import CellMonth, WalkMonth
from fieldapp.triage.models import Issue


def test_rebuild_recounts_what_sql_past_the_app_changed(world) -> None:
    areas, _admin, _walks, obs, issues = world
    connection = db.session.connection()
    connection.execute(CellMonth.__table__.delete())
    connection.execute(WalkMonth.__table__.delete())
    connection.execute(Issue.__table__.update().values(resolved_at=None, resolve_us=None))
    db.session.commit()
    assert stored_places() != recount_places()
    assert stored_times() != recount_times()
    place_summary.rebuild(db.session.connection())
    issue_times.rebuild(db.session.connection())
    db.session.commit()
    check(areas)


def test_stats_summary_command_recounts_the_new_summaries(world, runner) -> None:
    areas = world[0]
    db.session.execute(CellMonth.__table__.delete())
    db.session.execute(Issue.__table__.update().values(handling_us=None))
    db.session.commit()
    result = runner.invoke(args=["stats-summary"])
    assert result.exit_code == 0, result.output
    assert "resolution times of" in result.output
    # A long pass at a municipality's scale: each step says when it is done.
    steps = [line.split("...")[0] for line in result.output.splitlines() if " done (" in line]
    assert steps == [
        "Observation summary",
        "Map cells",
        "Walk and hot-spot summaries",
        "Resolution times",
        "Observed times and areas",
    ]
    check(areas)
