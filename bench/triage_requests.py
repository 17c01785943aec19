"""bench/triage.py's timed requests: the app on a generated database, requested through the
Flask test client as a logged-in coordinator, p50/p95 per request against the 100 ms goal.
bench_app, seeded_demo_app, login, timed and p95 serve the other benchmarks too (meeting_page,
walk_page, pageweight, submit)."""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_data import AREAS, EAST, NORTH, SOUTH, WEST, YEARS, area_cells  # noqa: E402

from fieldapp import create_app  # noqa: E402

GOAL_MS = 100.0
COORDINATOR = ("koordinator@fieldapp.dk", "tryg-demo-2026")


def bench_app(url: str, upload_prefix: str = "", upload_dir: str | None = None):
    """The app on a generated database, as the benchmarks request it through the test client
    (no CSRF or rate limit: they time the pages, not the checks); photos in `upload_dir`, else
    a new temporary directory named by `upload_prefix`."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": upload_dir or tempfile.mkdtemp(prefix=upload_prefix),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def seeded_demo_app(url: str, upload_dir: str):
    """`bench_app` on a database migrated to head and filled by `flask seed-demo`."""
    from flask_migrate import upgrade

    app = bench_app(url, upload_dir=upload_dir)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed: {result.output}")
    return app


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
