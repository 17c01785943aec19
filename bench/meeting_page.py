"""A meeting's pages and a walk's map data at bench/triage.py's scale: the meeting page, its
presenter view and the phones' findings list for a meeting of the area with the most open
issues, and /walks/<id>/observations.geojson of the busiest walk; p50/p95 over --runs requests
through the test client.

Reuses a database bench/triage.py built (--reuse migrates it to the code's head first) and adds
one local group and a running meeting for that area, with a few votes, the first time. To
compare with older code, run it from outside the checkout with that code first on PYTHONPATH
(as bench/walk_page.py says), on a copy of the database migrated no further than that code:
    git archive <before> | tar -x -C /tmp/before   # plus the compiled .mo files
    cd /tmp && PYTHONPATH=/tmp/before /path/to/.venv/bin/python /path/to/bench/meeting_page.py \
        --reuse sqlite:////tmp/<copy>.sqlite --runs 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_requests import bench_app, login, p95, timed  # noqa: E402

OPEN = ("new", "triaged", "forwarded", "in_progress")
TITLE = "Bench: dialogmøde"


def _meeting(db):
    """The bench meeting (made once) of the area with the most open issues, and that count."""
    from fieldapp.groups.models import LocalGroup
    from fieldapp.meetings.models import Meeting
    from fieldapp.triage.models import Issue

    area_id, n_open = db.session.execute(
        select(Issue.area_id, func.count())
        .where(Issue.status.in_(OPEN), Issue.area_id.is_not(None))
        .group_by(Issue.area_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == TITLE))
    if meeting is None:
        group = LocalGroup(name="Bench-gruppen", area_id=area_id, description="")
        db.session.add(group)
        db.session.flush()
        meeting = Meeting(
            group_id=group.id,
            area_id=area_id,
            title=TITLE,
            starts_at=datetime.now(UTC),
            status="running",
            votes_per_participant=3,
        )
        db.session.add(meeting)
        db.session.commit()
    return meeting, n_open


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, help="database URL built by bench/triage.py")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from fieldapp.capture.models import Observation
    from fieldapp.extensions import db
    from fieldapp.triage.models import Issue

    app = bench_app(args.reuse, "bench-meeting-")
    with app.app_context():
        upgrade()
        engine = db.engine.dialect.name
        meeting, n_open = _meeting(db)
        meeting_id, token, area_id = meeting.id, meeting.join_token, meeting.area_id
        walk_id, n_walk = db.session.execute(
            select(Observation.walk_id, func.count())
            .where(Observation.walk_id.is_not(None))
            .group_by(Observation.walk_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        oldest_open = db.session.scalars(
            select(Issue.id)
            .where(Issue.status.in_(OPEN), Issue.area_id == area_id)
            .order_by(Issue.created_at)
            .limit(2)
        ).all()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE"))
    print(
        f"{engine}: meeting {meeting_id} of area {area_id} ({n_open:,} open issues routed there); "
        f"walk {walk_id} with {n_walk:,} observations; load average {os.getloadavg()}"
    )
    client = login(app)
    phone = app.test_client()
    resp = phone.post(f"/m/{token}", data={"role": "resident", "display_name": ""})
    if resp.status_code != 302:
        raise SystemExit(f"join -> {resp.status_code}")
    for issue_id in oldest_open:  # votes on old findings: they come first on every page
        phone.post(f"/m/{token}/findings/{issue_id}/vote")
    geojson = f"/walks/{walk_id}/observations.geojson"
    for who, url in (
        (client, f"/meetings/{meeting_id}"),
        (client, f"/meetings/{meeting_id}/present"),
        (phone, f"/m/{token}/findings"),
        (client, geojson),
    ):
        times, status, size = timed(who, url, args.runs)
        print(
            f"{url:<44} {status:>3} {size / 1024:>7.0f} KB  p50 {statistics.median(times):>8.1f} ms"
            f"  p95 {p95(times):>8.1f} ms"
        )
    features = len(json.loads(client.get(geojson).get_data())["features"])
    print(f"map points returned: {features:,}; load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
