"""A meeting's observations are read through the partial index ix_observation_meeting, even
when almost every observation has no meeting and the statistics say so (after ANALYZE): with
the full index of before, SQLite scanned the whole table (0.6 s at 300,000 observations).
The findings reported in the area are read by issue from ix_observation_issue_area."""

from __future__ import annotations

from meeting_fixtures import INSIDE, OUTSIDE, make_area, make_group, make_issue, make_meeting
from sqlalchemy import event, insert, text

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.meetings.findings import area_open_issue_ids
from fieldapp.meetings.services import meeting_observations
from fieldapp.triage.models import Issue


def test_meeting_observations_use_the_partial_index_when_most_have_no_meeting(app):
    meeting = make_meeting(make_group(make_area()))
    rows = [{"category": "waste", "text": f"{i}", "source": "walk"} for i in range(400)]
    rows.append(
        {
            "category": "waste",
            "text": "at the meeting",
            "source": "meeting",
            "meeting_id": meeting.id,
        }
    )
    db.session.execute(insert(Observation), rows)
    db.session.commit()
    stmt = (
        db.select(Observation)
        .where(Observation.meeting_id == meeting.id)
        .order_by(Observation.created_at, Observation.id)
    )
    sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("ANALYZE observation"))
            try:
                plan = " ".join(
                    str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
                )
            finally:
                # The statistics stay in the test database file: drop them for later tests.
                conn.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'observation'"))
                conn.execute(text("ANALYZE sqlite_schema"))
                conn.commit()
        else:
            conn.execute(text("ANALYZE observation"))
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}").scalars())
    if db.engine.dialect.name == "sqlite":
        db.session.remove()
        db.engine.dispose()  # no pooled connection keeps the statistics it read
    assert "ix_observation_meeting" in plan, plan
    assert [o.text for o in meeting_observations(db.session, meeting.id)] == ["at the meeting"]


def test_reported_findings_are_read_by_issue_from_the_index(app):
    """The observations of the open issues routed elsewhere are found by one probe of
    ix_observation_issue_area per issue, area and position read from the index, even when the
    statistics say many observations lie in the area: PostgreSQL planned `IN (...)` as a join
    over every observation (bench/RESULTS.md, session 6)."""
    area = make_area()
    routed_here = [Issue(title=f"{i}", category="waste", area_id=area.id) for i in range(200)]
    db.session.add_all(routed_here)
    db.session.flush()
    lat, lon = INSIDE
    here = {"category": "waste", "text": "", "source": "walk", "area_id": area.id}
    rows = [here | {"issue_id": i.id, "lat": lat, "lon": lon} for i in routed_here for _ in "ab"]
    db.session.execute(insert(Observation), rows)
    db.session.commit()
    reported = make_issue("Reported here", position=OUTSIDE, obs_position=INSIDE)
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM observation" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        found = area_open_issue_ids(db.session, area)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert found == {i.id for i in routed_here} | {reported.id}
    [(statement, parameters)] = statements
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE observation"))
        conn.execute(text("ANALYZE issue"))
        if db.engine.dialect.name == "sqlite":
            try:
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                plan = " ".join(str(r[-1]) for r in rows)
            finally:  # as above: no statistics stay behind for later tests
                conn.execute(text("DELETE FROM sqlite_stat1"))
                conn.execute(text("ANALYZE sqlite_schema"))
                conn.commit()
            db.session.remove()
            db.engine.dispose()
            assert "COVERING INDEX ix_observation_issue_area (issue_id=?)" in plan, plan
        else:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # a few pages: a scan is cheapest
            plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars())
            # Without VACUUM here the visibility map is empty, so PostgreSQL may read the rows
            # after probing: what matters is that it probes by issue and joins nothing.
            assert "Index Cond: (issue_id = ANY" in plan, plan
            for join_or_scan in ("Join", "Nested Loop", "Seq Scan on observation"):
                assert join_or_scan not in plan, plan
