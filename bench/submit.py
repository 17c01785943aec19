"""Observation submission under load: the app under gunicorn vs. a bare Flask INSERT.

Usage:  .venv/bin/python bench/submit.py [--clients 1,10,50] [--requests 40] [--rounds 3]
            [--workers 3] [--threads 4] [--db sqlite|postgresql] [--photo-processing queue]
            [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/fa_benchsubmit]

Both sides run under gunicorn with the production settings of the Dockerfile (`--workers
${WEB_CONCURRENCY:-3} --threads 4`, each on a free loopback port, the same database):

* app:  `fieldapp:create_app({"RATELIMIT_ENABLED": False})` with the production config from
        the environment (DATABASE_URL, SECRET_KEY, UPLOAD_DIR). Every simulated phone joins the
        demo's running walk (session cookie), fetches a CSRF token and POSTs multipart to the
        offline outbox's endpoint /w/<token>/api/observations with a fresh client key. The
        rate limit on anonymous submission (60/min per address) is switched off through the
        factory's config: every simulated phone comes from 127.0.0.1.
* bare: bench/bare_app.py, one INSERT per request (and the photo's bytes written to a file).

Clients are threads with http.client (keep-alive), each sending --requests submissions back
to back. For each concurrency level the two sides alternate --rounds times, so drift in the
machine's load hits both alike. Without and with a photo: a 1600x1200 JPEG (q80, as the
capture page's resizer sends it). With --photo-processing queue (production's default) the
app checks it from its header and stores it raw in the request, and the worker re-encodes,
blurs and thumbnails it later; with inline all of that happens in the request. No worker runs
during the timed rounds; afterwards `flask process-photos` drains the queue and its time per
photo is printed (the CPU the worker needs for what was submitted).
Prints p50/p95/p99 latency, throughput and the p95 ratio app/bare (goal <= 1.5).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 1.5
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/fa_benchsubmit"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def photo_jpeg() -> bytes:
    from PIL import Image

    from bench.photos import photo_like

    im = photo_like().resize((1600, 1200), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def multipart(fields: dict[str, str], photo: bytes | None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    if photo is not None:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        out.write(photo + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Client:
    """One phone: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, ctype: str = ""):
        headers = {"Accept": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if ctype:
            headers["Content-Type"] = ctype
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed an idle keep-alive connection: reconnect once, as browsers do.
            self.conn.close()
            self.conn.connect()
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        data = resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, data


def join(client: Client, token: str) -> str:
    status, html = client.request("GET", f"/j/{token}")
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if status != 200 or not match:
        raise SystemExit(f"join page -> {status}")
    body, ctype = multipart({"csrf_token": match.group(1).decode(), "role": "resident"}, None)
    status, _ = client.request("POST", f"/j/{token}", body, ctype)
    if status != 302:
        raise SystemExit(f"join -> {status}")
    status, data = client.request("GET", f"/w/{token}/api/csrf")
    return json.loads(data)["csrf_token"]


def fields(csrf: str | None, i: int) -> dict[str, str]:
    f = {
        "client_key": uuid.uuid4().hex,
        "category": "lighting",
        "safety": "2",
        "text": f"Lygtepælen ved stien er slukket ({i}).",
        "lat": "57.0481",
        "lon": "9.9212",
        "location_source": "gps",
        "accuracy_m": "8",
    }
    if csrf:
        f["csrf_token"] = csrf
    return f


def run_side(side: dict, n_clients: int, n_requests: int, photo: bytes | None) -> dict:
    """n_clients threads, each n_requests submissions; latencies (ms), errors, wall time."""
    clients = [Client(side["port"]) for _ in range(n_clients)]
    csrfs = [join(c, side["token"]) if side["token"] else None for c in clients]
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(n_clients + 1)

    def work(k: int) -> None:
        mine, bad = [], []
        start.wait()
        for i in range(n_requests):
            body, ctype = multipart(fields(csrfs[k], i), photo)
            t0 = time.perf_counter()
            status, _ = clients[k].request("POST", side["path"], body, ctype)
            mine.append((time.perf_counter() - t0) * 1000)
            if status != 201:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n_clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.conn.close()
    return {"lat": latencies, "errors": errors, "wall": wall}


def prepare(db_url: str, tmp: str) -> str:
    """Migrated database with the demo data; returns the running walk's join token."""
    from sqlalchemy import select

    from bench.triage_requests import seeded_demo_app

    app = seeded_demo_app(db_url, f"{tmp}/uploads")
    from bench.bare_app import metadata
    from fieldapp.extensions import db
    from fieldapp.walks.models import Walk

    with app.app_context():
        metadata.create_all(db.engine)
        token = db.session.scalars(select(Walk.join_token).where(Walk.status == "running")).first()
        db.engine.dispose()
    return token


def start_gunicorn(target: str, port: int, args, env: dict, cwd: str, log: Path):
    cmd = [
        GUNICORN,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        target,
    ]
    # Our own gunicorn from the venv with fixed arguments.
    proc = subprocess.Popen(  # noqa: S603
        cmd, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
        if proc.poll() is not None:
            break
    raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:]}")


def last_errors(log: Path, limit: int = 3) -> list[str]:
    """The distinct exception lines a server logged (the cause of its 500s)."""
    if not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    causes = [line.strip() for line in lines if re.match(r"^\w+(\.\w+)*(Error|Exception): ", line)]
    return list(dict.fromkeys(causes))[-limit:]


def drain_sample(db_url: str, upload_dir: str, n: int = 20) -> None:
    """Process `n` of the photos the timed rounds queued, as the worker would; print the pace.

    A sample, not the whole backlog: hundreds of photos would take minutes on a shared machine.
    """
    from fieldapp import create_app
    from fieldapp.extensions import db
    from fieldapp.media.jobs import pending_count, process_due
    from fieldapp.media.views import get_storage

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "UPLOAD_DIR": upload_dir})
    with app.app_context():
        queued = pending_count(db.session)
        t0, c0 = time.perf_counter(), time.process_time()
        counts = process_due(
            db.session, get_storage(), max_bytes=app.config["MAX_PHOTO_BYTES"], batch=n
        )
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        db.engine.dispose()
    if counts.done:
        print(
            f"worker afterwards: {queued} photos queued; {counts.done} processed "
            f"({counts.failed} failed) at {wall * 1000 / counts.done:.0f} ms wall, "
            f"{cpu * 1000 / counts.done:.0f} ms CPU per photo (decode, blur, encode, files)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--requests", type=int, default=40, help="per client per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3, help="Dockerfile: WEB_CONCURRENCY=3")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_SUBMIT_PG_URL", DEFAULT_PG))
    parser.add_argument("--photo", choices=("no", "yes", "both"), default="both")
    parser.add_argument("--photo-processing", choices=("queue", "inline"), default="queue")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="time bench/submit_floor.py's `floor` endpoint as the app side (no photo)",
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-submit-")
    if args.db == "sqlite":
        db_url = f"sqlite:///{tmp}/bench.sqlite"
    else:
        from sqlalchemy import create_engine, text

        db_url = args.pg_url
        engine = create_engine(db_url)
        with engine.begin() as con:
            con.execute(text("DROP SCHEMA public CASCADE"))
            con.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    token = prepare(db_url, tmp)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench-secret-" + uuid.uuid4().hex,
        "UPLOAD_DIR": f"{tmp}/uploads",
        "PHOTO_PROCESSING": args.photo_processing,
    }
    app_port, bare_port = free_port(), free_port()
    if args.floor:
        args.photo = "no"
    procs = [
        start_gunicorn(
            "bench.submit_floor:floor_app()"
            if args.floor
            else 'fieldapp:create_app({"RATELIMIT_ENABLED": False})',
            app_port,
            args,
            env,
            str(ROOT),
            Path(tmp, "app.log"),
        )
    ]
    procs.append(
        start_gunicorn(
            f'bare_app:create_app("{db_url}", "{tmp}/bare-uploads")',
            bare_port,
            args,
            env,
            str(ROOT / "bench"),
            Path(tmp, "bare.log"),
        )
    )
    sides = {
        "app": {
            "port": app_port,
            "token": token,
            "path": f"/w/{token}/api/{'floor' if args.floor else 'observations'}",
        },
        "bare": {"port": bare_port, "token": None, "path": "/submit"},
    }
    photo = photo_jpeg()
    print(
        f"Python {sys.version.split()[0]}, {args.db}, gunicorn --workers {args.workers} "
        f"--threads {args.threads}; {args.requests} requests per client x {args.rounds} rounds "
        f"per side; photo {len(photo) / 1024:.0f} KB JPEG 1600x1200, PHOTO_PROCESSING="
        f"{args.photo_processing}; app side: {'floor' if args.floor else 'the app'}; load average "
        f"{tuple(round(x, 2) for x in os.getloadavg())}\n"
    )
    head = (
        f"{'photo':<5} {'clients':>7} {'side':<5} {'n':>5} {'err':>4} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} | {'p95 app/bare':>12}"
    )
    print(head)
    print("-" * len(head))
    try:
        for with_photo in {"no": [False], "yes": [True], "both": [False, True]}[args.photo]:
            for n_clients in [int(c) for c in args.clients.split(",")]:
                pooled = {
                    "app": {"lat": [], "err": [], "wall": 0.0},
                    "bare": {"lat": [], "err": [], "wall": 0.0},
                }
                for _ in range(args.rounds):
                    for name in ("app", "bare"):
                        r = run_side(
                            sides[name], n_clients, args.requests, photo if with_photo else None
                        )
                        pooled[name]["lat"] += r["lat"]
                        pooled[name]["err"] += r["errors"]
                        pooled[name]["wall"] += r["wall"]
                p95s = {}
                for name in ("app", "bare"):
                    lat = pooled[name]["lat"]
                    p95s[name] = pct(lat, 95)
                    ratio = f"{p95s['app'] / p95s['bare']:>12.2f}" if name == "bare" else ""
                    print(
                        f"{'yes' if with_photo else 'no':<5} {n_clients:>7} {name:<5} "
                        f"{len(lat):>5} {len(pooled[name]['err']):>4} "
                        f"{statistics.median(lat):>8.1f} {p95s[name]:>8.1f} {pct(lat, 99):>8.1f} "
                        f"{len(lat) / pooled[name]['wall']:>7.1f} | {ratio}"
                    )
                errs = set(pooled["app"]["err"] + pooled["bare"]["err"])
                if errs:
                    print(f"      status codes of failed requests: {sorted(errs)}")
                    for log in ("app.log", "bare.log"):
                        for cause in last_errors(Path(tmp, log)):
                            print(f"      {log}: {cause}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    print(f"\nload average after: {tuple(round(x, 2) for x in os.getloadavg())}")
    if args.photo_processing == "queue" and args.photo != "no":
        drain_sample(db_url, f"{tmp}/uploads")
    print(f"goal: p95 app <= {GOAL_RATIO} x p95 bare (issue 6)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
