"""How cheap can a submission be and keep what issue 6 requires? CPU per request, in-process.

Usage:  .venv/bin/python bench/submit_floor.py [--n 300] [--rounds 3] [--db URL]

bench/submit.py's goal is p95 <= 1.5 x a bare Flask INSERT (bench/bare_app.py). This asks
whether any design on the fixed stack can reach it: it adds to the real app (same factory,
extensions, session cookie, CSRF, hooks, same database with its migrations) endpoints that do
less and less of the real submission, and measures each against the bare INSERT the way
bench/submit_cpu.py does (process CPU per request through Flask's test client, sides
alternating in rounds):

* app:     the real endpoint the outbox posts to (capture/api_views.py:submit).
* floor:   the required checks only, written as cheaply as the stack allows: one Core query
           for the walk and this phone's participant, the walk open, the real ObservationForm
           (CSRF is checked by CSRFProtect before the view), then one Core INSERT into the real
           `observation` table and the commit. No ORM objects, no dashboard summaries, no area
           lookup (the demo walk has an area), no receipt beyond id and tracking code.
* plumbing: the real app around a Core INSERT with no checks at all (no form, no lookup): what
           the app's request handling, CSRF and the `observation` table's indexes cost alone.
* bare:    bench/bare_app.py on the same database.

The sides other than `app` exist only here, to measure; they are not part of the product.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.submit import fields, multipart  # noqa: E402
from bench.submit_cpu import app_client, fresh_database  # noqa: E402


def add_floor_routes(app) -> None:
    """The `floor` and `plumbing` endpoints (see the module docstring)."""
    from flask import abort, jsonify, session
    from sqlalchemy import and_, bindparam, select

    from fieldapp.capture.forms import ObservationForm
    from fieldapp.capture.models import Observation, new_tracking_code
    from fieldapp.extensions import db
    from fieldapp.geo import grid_cell
    from fieldapp.walks.models import Participant, Walk

    table = Observation.__table__
    insert_statement = table.insert()
    walk_and_joined = (
        select(Walk.id, Walk.status, Walk.area_id, Participant.id.label("pid"))
        .outerjoin(
            Participant,
            and_(
                Participant.walk_id == Walk.id,
                Participant.id.in_(bindparam("pids", expanding=True)),
            ),
        )
        .where(Walk.join_token == bindparam("token"))
    )

    def insert(walk_id, area_id, participant_id, data) -> tuple[int, str]:
        code = new_tracking_code()
        now = datetime.now(UTC)
        grid_y, grid_x = grid_cell(data["lat"], data["lon"])
        # Built once and given its values as parameters: a statement built with .values()
        # per request costs more to make and cache-key than to run.
        result = db.session.execute(
            insert_statement,
            dict(
                walk_id=walk_id,
                participant_id=participant_id,
                client_key=data["client_key"],
                category=data["category"],
                safety=data["safety"],
                severity=data["severity"],
                text=(data["text"] or "").strip(),
                lat=data["lat"],
                lon=data["lon"],
                accuracy_m=data["accuracy_m"],
                location_source=data["location_source"] or "map",
                address="",
                tracking_code=code,
                email_consent=False,
                source="walk",
                area_id=area_id,
                grid_y=grid_y,
                grid_x=grid_x,
                created_at=now,
                updated_at=now,
            ),
        )
        db.session.commit()
        return result.inserted_primary_key[0], code

    @app.post("/w/<token>/api/floor")
    def floor(token: str):
        joined = session.get("participants", {})
        pids = [pid for pid in joined.values() if isinstance(pid, int)]
        rows = db.session.execute(walk_and_joined, {"token": token, "pids": pids}).all()
        if not rows:
            abort(404)
        walk_id, status, area_id = rows[0][:3]
        pid = joined.get(str(walk_id))
        if not any(row.pid == pid for row in rows if row.pid is not None):
            return jsonify(error="not joined"), 403
        if status == "closed":
            return jsonify(error="closed"), 409
        form = ObservationForm()
        if not form.validate():
            return jsonify(errors=form.errors), 400
        new_id, code = insert(walk_id, area_id, pid, form.data)
        return jsonify(id=new_id, tracking_code=code, created=True), 201

    @app.post("/w/<token>/api/plumbing")
    def plumbing(token: str):
        from flask import request

        f = request.form
        data = {
            "client_key": f.get("client_key"),
            "category": f.get("category"),
            "safety": int(f.get("safety") or 0),
            "severity": None,
            "text": f.get("text", ""),
            "lat": float(f.get("lat") or 0),
            "lon": float(f.get("lon") or 0),
            "accuracy_m": None,
            "location_source": "gps",
        }
        new_id, code = insert(None, None, None, data)
        return jsonify(id=new_id, tracking_code=code, created=True), 201


def floor_app():
    """The app with the `floor` endpoint, for gunicorn (`bench/submit.py --floor`)."""
    from fieldapp import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    add_floor_routes(app)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="submissions per side per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="", help="PostgreSQL URL (default: a SQLite file)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-submit-floor-")
    db_url = fresh_database(args.db, tmp)
    client, path, csrf = app_client(db_url, tmp, setup=add_floor_routes)
    import bare_app

    bare = bare_app.create_app(db_url, f"{tmp}/bare-uploads").test_client()
    headers = {"Accept": "application/json"}

    def via(url: str, token: str | None):
        def one(i: int) -> None:
            body, ctype = multipart(fields(token, i), None)
            resp = (bare if token is None else client).post(
                url, data=body, content_type=ctype, headers=headers
            )
            assert resp.status_code == 201, resp.data[:300]

        return one

    base = path.rsplit("/", 1)[0]
    sides = {
        "app": via(path, csrf),
        "floor": via(f"{base}/floor", csrf),
        "plumbing": via(f"{base}/plumbing", csrf),
        "bare": via("/submit", None),
    }
    for one in sides.values():  # warm-up: imports, first queries, statement caches
        for i in range(20):
            one(i)
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, one in sides.items():
            c0 = time.process_time()
            for i in range(args.n):
                one(i)
            cpu[name].append((time.process_time() - c0) * 1000 / args.n)
    engine_name = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    print(
        f"{engine_name}, no photo, {args.n} submissions x {args.rounds} rounds per side; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    bare_ms = statistics.median(cpu["bare"])
    for name, values in cpu.items():
        ms = statistics.median(values)
        print(
            f"{name:<9} CPU per submission median {ms:5.2f} ms "
            f"(rounds {', '.join(f'{v:.2f}' for v in values)})  / bare {ms / bare_ms:4.2f}"
        )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
