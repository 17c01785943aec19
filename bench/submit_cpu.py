"""CPU time of one observation submission, in-process: the app vs. bench/bare_app.py.

Usage:  .venv/bin/python bench/submit_cpu.py [--n 100] [--rounds 3] [--photo] [--db URL]
            [--profile 40]

bench/submit.py measures latency under gunicorn, which on a shared 2-core machine mostly
measures the other jobs. This measures what the latency is made of: process CPU time per
submission through Flask's test client (no network, no gunicorn), the app's JSON submit
endpoint (joined participant, CSRF token, multipart form as the phone's outbox sends it,
PHOTO_PROCESSING=queue) against the bare INSERT, alternating in rounds. Wall time per request
is printed too (it adds the commit's fsync and waiting for a core).

--profile N prints the N most expensive functions of the app side (cProfile, CPU time,
cumulative) to show where the time goes. --db takes a PostgreSQL URL; its public schema is
dropped and made afresh (use a database of your own).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.submit import fields, multipart, photo_jpeg, prepare  # noqa: E402


def app_client(db_url: str, tmp: str, setup=None):
    """A test client that has joined the demo's running walk, the submit path, a CSRF token;
    `setup(app)` may add routes before the first request (bench/submit_floor.py)."""
    token = prepare(db_url, tmp)
    os.environ.update(
        DATABASE_URL=db_url,
        SECRET_KEY="bench-cpu-" + uuid.uuid4().hex,
        UPLOAD_DIR=f"{tmp}/uploads",
        PHOTO_PROCESSING="queue",
    )
    from fieldapp import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    if setup is not None:
        setup(app)
    client = app.test_client()
    html = client.get(f"/j/{token}").data
    csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()
    assert client.post(f"/j/{token}", data={"csrf_token": csrf, "role": "resident"}).status_code
    csrf = client.get(f"/w/{token}/api/csrf").get_json()["csrf_token"]
    path = f"/w/{token}/api/observations"
    return client, path, csrf


def fresh_database(url: str, tmp: str) -> str:
    """`url`, a PostgreSQL database whose public schema is dropped and made afresh, or (empty)
    a new SQLite file in `tmp`."""
    if not url:
        return f"sqlite:///{tmp}/bench.sqlite"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="submissions per side per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--photo", action="store_true", help="with a 1600x1200 JPEG")
    parser.add_argument("--db", default="", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-submit-cpu-")
    db_url = fresh_database(args.db, tmp)
    client, path, csrf = app_client(db_url, tmp)
    import bare_app

    bare = bare_app.create_app(db_url, f"{tmp}/bare-uploads").test_client()
    photo = photo_jpeg() if args.photo else None
    headers = {"Accept": "application/json"}

    def app_one(i: int) -> None:
        body, ctype = multipart(fields(csrf, i), photo)
        resp = client.post(path, data=body, content_type=ctype, headers=headers)
        assert resp.status_code == 201, resp.data[:300]

    def bare_one(i: int) -> None:
        body, ctype = multipart(fields(None, i), photo)
        assert bare.post("/submit", data=body, content_type=ctype).status_code == 201

    sides = {"app": app_one, "bare": bare_one}
    for one in sides.values():  # warm-up: imports, first queries, statement caches
        for i in range(10):
            one(i)
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    wall: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, one in sides.items():
            c0, t0 = time.process_time(), time.perf_counter()
            for i in range(args.n):
                one(i)
            cpu[name].append((time.process_time() - c0) * 1000 / args.n)
            wall[name].append((time.perf_counter() - t0) * 1000 / args.n)
    engine_name = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    print(
        f"{engine_name}, photo: {'yes' if photo else 'no'}, {args.n} submissions x "
        f"{args.rounds} rounds per side; load average {os.getloadavg()[0]:.2f}"
    )
    for name in sides:
        print(
            f"{name:<5} CPU per submission median {statistics.median(cpu[name]):6.2f} ms "
            f"(rounds {', '.join(f'{v:.2f}' for v in cpu[name])}); "
            f"wall {statistics.median(wall[name]):6.2f} ms"
        )
    ratio = statistics.median(cpu["app"]) / statistics.median(cpu["bare"])
    print(f"CPU app / bare: {ratio:.2f}")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.n):
            app_one(i)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
