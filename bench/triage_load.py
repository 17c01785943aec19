"""bench/triage.py's loading: a fresh database migrated by the app, `flask seed-demo` in it, then
the generated data (triage_data) bulk-loaded with executemany on SQLite and COPY on PostgreSQL,
never the ORM, plus the issues' status events, and what the app derives on every ORM write
recounted once for the bulk-loaded rows."""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, select, text  # noqa: E402
from triage_data import AREAS  # noqa: E402
from triage_requests import seeded_demo_app  # noqa: E402

from fieldapp.triage.models import NO_DUE_DATE, PRIORITY_RANK  # noqa: E402


def fmt_sqlite(dt: datetime) -> str:
    # What SQLAlchemy's DateTime stores on SQLite (naive UTC text).
    return dt.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def area_rows(cells, area_ids, now):
    rows = []
    for idx, (s, w, n, e) in enumerate(cells):
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        geometry = json.dumps({"type": "Polygon", "coordinates": [ring]})
        rows.append((area_ids[idx], f"Bench-område {idx + 1:02d}", geometry, s, w, n, e, now, now))
    return rows


AREA_COLS = "id, name, geometry, south, west, north, east, created_at, updated_at"
WALK_COLS = (
    "id, title, place_name, starts_at, meeting_point, description, organiser, status, "
    "join_token, area_id, created_at, updated_at"
)
ISSUE_COLS = (
    "id, title, description, category, lat, lon, priority, status, administration_id, area_id, "
    "due_at, status_changed_at, created_at, updated_at, priority_rank, due_sort"
)
OBS_COLS = (
    "id, walk_id, category, safety, severity, text, lat, lon, accuracy_m, location_source, "
    "address, tracking_code, email_consent, source, issue_id, area_id, created_at, updated_at"
)


def rows_for(data, area_ids, admin_ids, now, ts):
    cells, walks, issues, observations = data
    areas = area_rows(cells, area_ids, ts(now))
    walk_rows = [
        (
            wid,
            f"Tryghedsvandring {wid}",
            "Aalborg",
            ts(when),
            "",
            "",
            "",
            "closed",
            f"benchwalk{wid}",
            area_ids[a],
            ts(when),
            ts(when),
        )
        for wid, a, when in walks
    ]
    issue_rows = [
        (
            iid,
            f"Sag {iid}: {cat}",
            "",
            cat,
            lat,
            lon,
            prio,
            status,
            admin_ids[iid % len(admin_ids)] if status not in ("new", "triaged") else None,
            area_ids[a],
            ts(due) if due else None,
            ts(created),
            ts(created),
            ts(created),
            PRIORITY_RANK[prio],
            ts(due or NO_DUE_DATE),
        )
        for iid, a, created, status, cat, lat, lon, prio, due in issues
    ]
    obs_rows = [
        (
            oid,
            wid,
            cat,
            safety,
            sev,
            txt,
            lat,
            lon,
            10.0,
            "gps",
            "",
            f"BX{oid:08d}",
            False,
            "walk",
            issue_id,
            area_ids[a],
            ts(created),
            ts(created),
        )
        for oid, wid, cat, safety, sev, txt, lat, lon, issue_id, a, created in observations
    ]
    return (
        ("area", AREA_COLS, areas),
        ("walk", WALK_COLS, walk_rows),
        ("issue", ISSUE_COLS, issue_rows),
        ("observation", OBS_COLS, obs_rows),
    )


def load_sqlite(path: str, data, now) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    admin_ids = [r[0] for r in con.execute("SELECT id FROM administration ORDER BY id")]
    area_ids = [9000 + i for i in range(AREAS)]
    for table, cols, rows in rows_for(data, area_ids, admin_ids, now, fmt_sqlite):
        marks = ", ".join("?" * len(cols.split(",")))
        con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
    con.commit()
    con.execute("ANALYZE")
    con.close()


def load_postgresql(url: str, data, now) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as con:
        admin_ids = [r[0] for r in con.execute("SELECT id FROM administration ORDER BY id")]
        area_ids = [9000 + i for i in range(AREAS)]
        with con.cursor() as cur:
            for table, cols, rows in rows_for(data, area_ids, admin_ids, now, lambda d: d):
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        con.commit()
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("VACUUM ANALYZE")


def reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()


EVENT_COLS = (
    "issue_id",
    "at",
    "kind",
    "from_status",
    "to_status",
    "public_comment",
    "internal_note",
)


def add_issue_events(db, now: datetime) -> int:
    """Status events for the bulk-loaded issues, as the workflow would have written them: a
    "forwarded" event for issues that reached an administration and a closing event for closed
    ones (the dashboards' share resolved within N days, time to resolution and closings per
    month read them). Skipped when the bench issues have events already; returns rows added."""
    from fieldapp.triage.models import Issue, IssueEvent

    bench = Issue.id >= 1_000_000
    has = db.session.scalar(
        text("SELECT 1 FROM issue_event WHERE issue_id >= 1000000 LIMIT 1")  # noqa: S608
    )
    if has:
        return 0
    rng = random.Random(8)  # noqa: S311 (test data)
    rows = []
    query = db.session.execute(
        select(Issue.id, Issue.created_at, Issue.status).where(bench).order_by(Issue.id)
    )
    for issue_id, created, status in query:
        # Closed issues are older than 120 days (see generate), so these stay in the past.
        forwarded = created + timedelta(hours=rng.uniform(1, 120))
        if status in ("forwarded", "in_progress", "resolved"):
            rows.append((issue_id, min(forwarded, now), "status", "new", "forwarded"))
        if status in ("resolved", "rejected", "duplicate"):
            closed = forwarded + timedelta(days=rng.expovariate(1 / 25))
            at = min(closed, created + timedelta(days=118), now)
            rows.append((issue_id, max(at, forwarded), "status", "forwarded", status))
    table = IssueEvent.__table__
    for i in range(0, len(rows), 20_000):
        chunk = rows[i : i + 20_000]
        db.session.execute(
            table.insert(), [dict(zip(EVENT_COLS, (*r, "", ""), strict=True)) for r in chunk]
        )
    db.session.commit()
    return len(rows)


def refresh_event_derived(db) -> None:
    """What the app derives from issue events, recounted after add_issue_events."""
    from fieldapp.stats import issue_times

    issue_times.rebuild(db.session.connection())
    db.session.commit()


def refresh_derived(db) -> None:
    """What the app derives on every ORM write, done once for the bulk-loaded rows: the map
    grid cells (as migration 0015 fills them), the dashboard summaries and the issues'
    resolution times (flask stats-summary)."""
    from fieldapp.geo import GRID_PER_DEGREE
    from fieldapp.stats import issue_times, place_summary
    from fieldapp.stats.summary import rebuild

    floor = "FLOOR({})" if db.engine.dialect.name == "postgresql" else "{}"
    for table in ("observation", "issue"):
        y = floor.format(f"(lat + 90) * {GRID_PER_DEGREE}")
        x = floor.format(f"(lon + 180) * {GRID_PER_DEGREE}")
        db.session.execute(
            text(
                f"UPDATE {table} SET grid_y = CAST({y} AS INTEGER), "  # noqa: S608
                f"grid_x = CAST({x} AS INTEGER) WHERE lat IS NOT NULL"
            )
        )
    rebuild(db.session)
    place_summary.rebuild(db.session.connection())
    issue_times.rebuild(db.session.connection())
    db.session.commit()


def build(db_url: str, data, now, tmpdir: str):
    app = seeded_demo_app(db_url, f"{tmpdir}/uploads")
    from fieldapp.extensions import db
    from fieldapp.stats.models import SuccessCriterion

    with app.app_context():
        db.engine.dispose()  # let the bulk loader own the file / connection
    t0 = time.perf_counter()
    if db_url.startswith("sqlite"):
        load_sqlite(db_url.removeprefix("sqlite:///"), data, now)
    else:
        load_postgresql(db_url, data, now)
    with app.app_context():
        add_issue_events(db, now)
        refresh_derived(db)
    load_s = time.perf_counter() - t0
    with app.app_context():
        # Whole-municipality and one-area criteria of every computed kind.
        for area_id in (None, 9000):
            for kind, target in (
                ("inquiries_per_year", 1000),
                ("walks_per_year", 4),
                ("share_resolved_within_days", 80),
                ("safety_average", 3.5),
            ):
                db.session.add(
                    SuccessCriterion(
                        area_id=area_id,
                        title=f"Bench {kind}",
                        kind=kind,
                        target=target,
                        days=30 if kind == "share_resolved_within_days" else None,
                        first_year=now.year - 3,
                        last_year=now.year,
                    )
                )
        db.session.commit()
    return app, load_s
