"""A meeting's observations are read through the partial index ix_observation_meeting, even
when almost every observation has no meeting and the statistics say so (after ANALYZE): with
the full index of before, SQLite scanned the whole table (0.6 s at 300,000 observations)."""

from __future__ import annotations

from meeting_fixtures import make_area, make_group, make_meeting
from sqlalchemy import insert, text

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.meetings.services import meeting_observations


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
