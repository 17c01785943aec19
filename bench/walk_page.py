"""A walk's page at bench/triage.py's scale (1M observations, ~1,250 on a walk): the busiest
walk's page and its second page, p50/p95 over --runs requests through the test client.

Reuses a database bench/triage.py built (--reuse migrates it to the code's head first). To
compare with code before observation paging, run it from outside the checkout (the current
directory comes first on sys.path) with that code first on PYTHONPATH:
    git archive <before> | tar -x -C /tmp/before   # plus the compiled .mo files
    cd /tmp && PYTHONPATH=/tmp/before /path/to/.venv/bin/python /path/to/bench/walk_page.py \
        --reuse sqlite:////work/bench/<name>.sqlite --runs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_requests import bench_app, login, p95, timed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, help="database URL built by bench/triage.py")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from fieldapp.capture.models import Observation
    from fieldapp.extensions import db

    app = bench_app(args.reuse, "bench-walk-")
    with app.app_context():
        upgrade()
        walk_id, n = db.session.execute(
            select(Observation.walk_id, func.count())
            .group_by(Observation.walk_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        engine = db.engine.dialect.name
        if engine == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                con.execute(text("VACUUM ANALYZE observation"))
    print(f"{engine}: walk {walk_id} with {n:,} observations; load average {os.getloadavg()}")
    client = login(app)
    for url in (f"/walks/{walk_id}", f"/walks/{walk_id}?page=2"):
        times, status, size = timed(client, url, args.runs)
        print(
            f"{url:<24} {status:>3} {size / 1024:>7.0f} KB  p50 {statistics.median(times):>8.1f} ms"
            f"  p95 {p95(times):>8.1f} ms"
        )
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
