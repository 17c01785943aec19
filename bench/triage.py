"""Triage at municipal scale: list, map data and dashboards over years of data.

Usage:  .venv/bin/python bench/triage.py [--observations 1000000] [--db sqlite|postgresql|both]
            [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/fa_benchdata] [--runs 20]
            [--keep DIR] [--groups list,map,attention,dashboard] [--reuse URL]

Builds a fresh database with the app's migrations and demo data (`flask seed-demo`: users,
administrations, criteria), then bulk-loads N observations and N/5 issues spread over 10 years
and 20 areas (grid cells over Aalborg, each with its walks) with executemany on SQLite and COPY
on PostgreSQL, never the ORM, plus the issues' status events (forwarded, closed; a database
built before the bench wrote them gets them on its first --reuse). It then times, through the
Flask test client as a logged-in coordinator (so the views, templates and queries are what users
get):

* the triage list (/triage/) with typical filters, and a second page through its keyset cursor;
* the map data endpoint (/triage/map.geojson) for a city-wide and a neighbourhood bbox;
* needs attention (/attention/, all and one organisation) and the coordinator's start page
  (/walks/, paged, with the needs-attention counts);
* /healthz as the floor: what the machine's load adds to any request during the run;
* the dashboards: success criteria (/stats/, /stats/area/<id>) and analyses (/stats/analyses/).

Each request is repeated --runs times after one warm-up; p50/p95 in ms and p95 as a ratio of
the 100 ms goal (issue 6: list and map p95 <= 100 ms on both databases). The PostgreSQL
database given by --pg-url is emptied (schema public dropped) before loading.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select, text  # noqa: E402

from fieldapp import create_app  # noqa: E402
from fieldapp.triage.models import NO_DUE_DATE, PRIORITY_RANK  # noqa: E402

GOAL_MS = 100.0
COORDINATOR = ("koordinator@fieldapp.dk", "tryg-demo-2026")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/fa_benchdata"
YEARS = 10
AREAS = 20  # a 5 x 4 grid over Aalborg
SOUTH, WEST, NORTH, EAST = 56.98, 9.80, 57.10, 10.05
WALKS_PER_AREA_YEAR = 4
CATEGORIES = [
    "lighting",
    "vegetation",
    "sightlines",
    "vandalism",
    "waste",
    "paths_traffic",
    "buildings",
    "furniture",
    "behaviour",
    "other",
]
ISSUE_STATUSES = ["new", "triaged", "forwarded", "in_progress", "resolved", "rejected", "duplicate"]
# Most old issues are closed; the open ones are mostly recent.
CLOSED_WEIGHTS = [0.02, 0.02, 0.03, 0.03, 0.75, 0.1, 0.05]
OPEN_WEIGHTS = [0.3, 0.2, 0.3, 0.2, 0, 0, 0]
PRIORITIES = ["low", "normal", "normal", "normal", "high", "urgent"]
WORDS = [
    "lygtepæl",
    "slukket",
    "mørk",
    "sti",
    "busk",
    "skjuler",
    "udsyn",
    "hærværk",
    "graffiti",
    "affald",
    "knust",
    "glas",
    "cykelsti",
    "hul",
    "i",
    "asfalten",
    "bænk",
    "ødelagt",
    "tunnel",
    "utryg",
    "om",
    "aftenen",
    "parkeringsplads",
    "legeplads",
    "trappe",
    "belysning",
    "mangler",
    "hæk",
    "skal",
    "klippes",
]


def fmt_sqlite(dt: datetime) -> str:
    # What SQLAlchemy's DateTime stores on SQLite (naive UTC text).
    return dt.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


# ----------------------------------------------------------------------------- data


def area_cells() -> list[tuple[float, float, float, float]]:
    cols, rows = 5, 4
    dlat, dlon = (NORTH - SOUTH) / rows, (EAST - WEST) / cols
    cells = []
    for r in range(rows):
        for c in range(cols):
            s, w = SOUTH + r * dlat, WEST + c * dlon
            cells.append((s, w, s + dlat, w + dlon))
    return cells


def generate(n_obs: int, now: datetime, seed: int = 6):
    """Plain tuples for walks, issues and observations (ids given, so links are known)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    start = now - timedelta(days=365 * YEARS)
    span = (now - start).total_seconds()
    cells = area_cells()
    walks = []  # (id, area_index, starts_at)
    wid = 1000
    for a in range(AREAS):
        for y in range(YEARS):
            for k in range(WALKS_PER_AREA_YEAR):
                wid += 1
                when = start + timedelta(days=365 * y + 60 + 70 * k, hours=17)
                walks.append((wid, a, min(when, now - timedelta(days=1))))
    walks_by_area = [[w for w in walks if w[1] == a] for a in range(AREAS)]

    n_issues = n_obs // 5
    issues = []
    for i in range(n_issues):
        a = rng.randrange(AREAS)
        s, w, n, e = cells[a]
        frac = rng.random() ** 0.7  # more recent data than old
        created = start + timedelta(seconds=span * frac)
        recent = (now - created).days < 120
        status = rng.choices(ISSUE_STATUSES, OPEN_WEIGHTS if recent else CLOSED_WEIGHTS)[0]
        due = created + timedelta(days=30) if status in ("forwarded", "in_progress") else None
        issues.append(
            (
                1_000_000 + i,
                a,
                created,
                status,
                rng.choice(CATEGORIES),
                rng.uniform(s, n),
                rng.uniform(w, e),
                rng.choice(PRIORITIES),
                due,
            )
        )
    observations = []
    for i in range(n_obs):
        if i < n_obs // 2:  # half of the observations are in issues (2.5 per issue)
            iss = issues[i % n_issues]
            issue_id, a, created = iss[0], iss[1], iss[2] - timedelta(minutes=rng.randrange(600))
            category, lat, lon = iss[4], iss[5] + rng.gauss(0, 1e-4), iss[6] + rng.gauss(0, 1e-4)
        else:
            issue_id = None
            a = rng.randrange(AREAS)
            s, w, n, e = cells[a]
            frac = rng.random() ** 0.7
            created = start + timedelta(seconds=span * frac)
            category, lat, lon = rng.choice(CATEGORIES), rng.uniform(s, n), rng.uniform(w, e)
        walk = rng.choice(walks_by_area[a])
        text_ = " ".join(rng.choices(WORDS, k=rng.randrange(3, 12)))
        observations.append(
            (
                2_000_000 + i,
                walk[0],
                category,
                rng.randrange(1, 6),
                rng.randrange(1, 6),
                text_,
                lat,
                lon,
                issue_id,
                a,
                created,
            )
        )
    return cells, walks, issues, observations


# ----------------------------------------------------------------------------- loading


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
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": f"{tmpdir}/uploads",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed: {result.output}")
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


# ----------------------------------------------------------------------------- timing


def bench_app(url: str, upload_prefix: str):
    """The app on a generated database, as the benchmarks request it through the test client
    (no CSRF or rate limit: they time the pages, not the checks)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": tempfile.mkdtemp(prefix=upload_prefix),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def login(app):
    client = app.test_client()
    resp = client.post("/login", data={"email": COORDINATOR[0], "password": COORDINATOR[1]})
    if resp.status_code != 302:
        raise SystemExit(f"login -> {resp.status_code}")
    return client


def timed(client, url: str, runs: int) -> tuple[list[float], int, int]:
    sizes = []
    resp = client.get(url)  # warm-up (and compiled-query cache)
    status = resp.status_code
    resp.close()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        resp = client.get(url)
        body = resp.get_data()
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(body))
        status = resp.status_code
        resp.close()
    return times, status, max(sizes)


def next_link(client, url: str) -> str | None:
    html = client.get(url).get_data(as_text=True)
    marker = "after="
    pos = html.find(marker)
    if pos < 0:
        return None
    end = html.find('"', pos)
    return url + ("&" if "?" in url else "?") + html[pos:end].replace("&amp;", "&")


MAP = "/triage/map.geojson"


def scenarios(now: datetime) -> list[tuple[str, str, str]]:
    last_month = (now - timedelta(days=30)).date().isoformat()
    year_ago = (now - timedelta(days=365)).date().isoformat()
    s, w, n, e = area_cells()[7]
    city = f"{SOUTH},{WEST},{NORTH},{EAST}"
    hood = f"{s + 0.005},{w + 0.01},{s + 0.02},{w + 0.03}"
    return [
        # The same client and app doing almost nothing: what the machine's load adds to every
        # request at this moment (the other figures are only comparable with it in view).
        ("floor", "health check (machine floor)", "/healthz"),
        ("list", "observations, newest", "/triage/"),
        ("list", "observations, category", "/triage/?category=lighting"),
        ("list", "observations, area 8", "/triage/?area=9007"),
        ("list", "observations, last 30 days", f"/triage/?from={last_month}"),
        ("list", "observations, evening", "/triage/?time=evening"),
        ("list", "observations, search 'tunnel'", "/triage/?q=tunnel"),
        ("list", "issues, open, newest", "/triage/?kind=issues"),
        ("list", "issues, all, priority", "/triage/?kind=issues&status=all&sort=priority"),
        ("list", "issues, open, due", "/triage/?kind=issues&sort=due"),
        ("list", "issues, resolved, area 8", "/triage/?kind=issues&status=resolved&area=9007"),
        ("list", "issues, open, admin 1", "/triage/?kind=issues&administration=1"),
        (
            "list",
            "issues, closed, last year",
            f"/triage/?kind=issues&status=closed&from={year_ago}",
        ),  # noqa: E501
        # Zoom as a phone's map sends it: the whole city at 12, a few streets at 16.
        ("map", "observations, city bbox", f"{MAP}?kind=observations&bbox={city}&zoom=12"),
        ("map", "observations, street bbox", f"{MAP}?kind=observations&bbox={hood}&zoom=16"),
        ("map", "issues open, city bbox", f"{MAP}?kind=issues&bbox={city}&zoom=12"),
        ("map", "issues open, street bbox", f"{MAP}?kind=issues&bbox={hood}&zoom=16"),
        ("map", "issues all, street bbox", f"{MAP}?kind=issues&status=all&bbox={hood}&zoom=16"),
        ("map", "observations, no bbox", f"{MAP}?kind=observations"),
        ("attention", "needs attention, all organisations", "/attention/"),
        ("attention", "needs attention, administration 1", "/attention/?org=1"),
        ("attention", "coordinator start page (counts)", "/walks/"),
        ("dashboard", "criteria, municipality", "/stats/"),
        ("dashboard", "criteria, area 1", "/stats/area/9000"),
        ("dashboard", "analyses, default period", "/stats/analyses/"),
        ("dashboard", "analyses, area 1", "/stats/analyses/?area=9000"),
    ]


def run_scenarios(app, now, runs: int, groups: set[str] | None = None) -> list[dict]:
    client = login(app)
    results = []
    for group, name, url in scenarios(now):
        if groups and group not in groups and group != "floor":
            continue
        times, status, size = timed(client, url, runs)
        results.append(
            {
                "group": group,
                "name": name,
                "url": url,
                "times": times,
                "status": status,
                "size": size,
            }
        )
        if group == "list" and name in ("observations, newest", "issues, open, newest"):
            second = next_link(client, url)
            if second:
                times, status, size = timed(client, second, runs)
                results.append(
                    {
                        "group": group,
                        "name": name + ", page 2 (cursor)",
                        "url": second,
                        "times": times,
                        "status": status,
                        "size": size,
                    }
                )
    return results


def report(engine: str, n_obs: int, gen_s: float, load_s: float, results: list[dict]) -> None:
    print(
        f"\n== {engine}: {n_obs:,} observations, {n_obs // 5:,} issues, {AREAS} areas, "
        f"{YEARS} years; generate {gen_s:.1f} s, bulk load {load_s:.1f} s"
    )
    head = (
        f"{'group':<9} {'request':<36} {'st':>3} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p95/goal':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        med, high = statistics.median(r["times"]), p95(r["times"])
        mark = "" if r["group"] in ("dashboard", "floor") or high <= GOAL_MS else "  OVER"
        print(
            f"{r['group']:<9} {r['name']:<36} {r['status']:>3} {r['size'] / 1024:>6.0f} "
            f"{med:>8.1f} {high:>8.1f} {high / GOAL_MS:>8.2f}{mark}"
        )


def reuse(url: str, runs: int, groups: set[str]) -> int:
    from flask_migrate import upgrade

    from fieldapp.extensions import db

    print(f"Python {platform.python_version()}, load average {os.getloadavg()}")
    app = bench_app(url, "bench-triage-")
    with app.app_context():
        upgrade()
        engine_name = db.engine.dialect.name
        n_obs = db.session.scalar(text("SELECT count(*) FROM observation"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            # A migration that rewrote every row (0015 fills the grid cells) leaves PostgreSQL's
            # visibility map empty: no index-only scans until a VACUUM, as docs/deployment.md
            # says to run after large migrations. SQLite has no such state: ANALYZE is enough.
            con.execute(text("VACUUM ANALYZE" if engine_name == "postgresql" else "ANALYZE"))
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        # Databases built before the bench wrote issue events get them now (once), and what
        # the app derives from events is recounted.
        if add_issue_events(db, now):
            refresh_event_derived(db)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                con.execute(text("VACUUM ANALYZE" if engine_name == "postgresql" else "ANALYZE"))
    now = datetime.now(UTC).replace(microsecond=0)
    results = run_scenarios(app, now, runs, groups)
    report(engine_name + " (reused)", n_obs, 0.0, 0.0, results)
    print(f"\nload average after: {os.getloadavg()}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--groups", default="list,map,attention,dashboard", help="which requests to time"
    )
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="measure a database an earlier run loaded (migrated to head and analysed first), "
        "e.g. after adding an index, instead of generating and loading",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the SQLite file (bench.sqlite) and uploads in DIR and leave them there for "
        "--reuse, instead of a temporary directory that is deleted at the end",
    )
    args = parser.parse_args()
    if args.reuse:
        return reuse(args.reuse, args.runs, set(args.groups.split(",")))

    print(f"Python {platform.python_version()}, load average {os.getloadavg()}")
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    data = generate(args.observations, now)
    gen_s = time.perf_counter() - t0
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with contextlib.ExitStack() as stack:
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            tmp = str(Path(args.keep).resolve())
            Path(tmp, "bench.sqlite").unlink(missing_ok=True)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-triage-"))
        for engine in engines:
            if engine == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite"
            else:
                url = args.pg_url
                reset_postgresql(url)
            app, load_s = build(url, data, now, tmp)
            results = run_scenarios(app, now, args.runs, set(args.groups.split(",")))
            report(engine, args.observations, gen_s, load_s, results)
            from fieldapp.extensions import db

            with app.app_context():
                db.engine.dispose()
    print(f"\nload average after: {os.getloadavg()}")
    print(f"goal: p95 <= {GOAL_MS:.0f} ms for list and map (dashboard shown for information)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
