"""Page weight: HTML + same-origin CSS/JS of the main pages, raw and gzip'd (level 6).

Usage:  .venv/bin/python bench/pageweight.py

Starts the app in-process on a temporary SQLite database (migrated to head, demo data from
`flask seed-demo`), joins the running demo walk as a participant, logs in as the demo
coordinator, and for each page fetches the HTML plus every same-origin stylesheet
(<link rel="stylesheet" href>) and script (<script src>) it references. Nothing else is
followed: no images, icons, fonts referenced from CSS, map tiles or XHR data. Each body is
gzip'd at level 6, as a typical reverse proxy would serve it. Goal (issue 6): capture page
<= 60 KB transferred. Exit status 0.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bench.triage_requests import seeded_demo_app  # noqa: E402

GOAL_KB = 60
COORDINATOR = ("koordinator@fieldapp.dk", "tryg-demo-2026")


class AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []
        self.lazy: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.assets.append(("css", a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("js", a["src"]))
        # Files a script loads on demand (the capture page's map): weighed apart.
        for attr, kind in (
            ("data-leaflet-css", "css"),
            ("data-leaflet-js", "js"),
            ("data-leaflet-i18n", "js"),
        ):
            if a.get(attr):
                self.lazy.append((kind, a[attr]))


def gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def fetch(client, url: str) -> bytes:
    resp = client.get(url)
    if resp.status_code != 200:
        raise SystemExit(f"GET {url} -> {resp.status_code}")
    body = resp.get_data()
    resp.close()
    return body


def weigh(client, url: str) -> dict:
    html = fetch(client, url)
    parser = AssetParser()
    parser.feed(html.decode("utf-8"))
    rows = [("html", url, len(html), gz(html))]
    seen = set()
    for kind, ref in parser.assets:
        full = urljoin(url, ref)
        parts = urlsplit(full)
        if parts.netloc not in ("", "localhost"):  # other origin (CDN, tiles): not ours
            rows.append((kind, f"{ref} (other origin, skipped)", 0, 0))
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            continue
        seen.add(path)
        body = fetch(client, path)
        rows.append((kind, parts.path, len(body), gz(body)))
    lazy = []
    for kind, ref in parser.lazy:
        body = fetch(client, ref)
        lazy.append((kind, ref, len(body), gz(body)))
    return {"url": url, "rows": rows, "lazy": lazy}


def main() -> int:
    from fieldapp.meetings.models import Meeting
    from fieldapp.walks.models import Walk

    tmp = tempfile.TemporaryDirectory(prefix="pageweight-")
    app = seeded_demo_app(f"sqlite:///{tmp.name}/bench.sqlite", f"{tmp.name}/uploads")

    from fieldapp.extensions import db

    with app.app_context():
        walk = db.session.scalars(select(Walk).where(Walk.status == "running")).first()
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
        if walk is None or meeting is None:
            raise SystemExit("demo data has no running walk or no meeting")
        token, meeting_id = walk.join_token, meeting.id

    pages: list[tuple[str, dict]] = []
    participant = app.test_client()
    pages.append(("join", weigh(participant, f"/j/{token}")))
    resp = participant.post(f"/j/{token}", data={"role": "resident", "display_name": "Bench"})
    if resp.status_code != 302:
        raise SystemExit(f"join POST -> {resp.status_code}")
    pages.append(("capture", weigh(participant, f"/w/{token}/new")))
    pages.append(("my observations", weigh(participant, f"/w/{token}/mine")))

    staff = app.test_client()
    resp = staff.post("/login", data={"email": COORDINATOR[0], "password": COORDINATOR[1]})
    if resp.status_code != 302:
        raise SystemExit(f"login -> {resp.status_code}")
    pages.append(("triage", weigh(staff, "/triage/")))
    pages.append(("meeting presenter", weigh(staff, f"/meetings/{meeting_id}/present")))

    print("Per page: HTML + same-origin CSS/JS it references; gzip level 6 per body.\n")
    summary = []
    for name, page in pages:
        print(f"{name}  {page['url']}")
        for kind, path, raw, z in page["rows"]:
            print(f"    {kind:<4} {path:<62} {raw:>9,} B {z:>8,} B gz")
        raw_total = sum(r[2] for r in page["rows"])
        gz_total = sum(r[3] for r in page["rows"])
        print(f"    {'total':<67} {raw_total:>9,} B {gz_total:>8,} B gz")
        for kind, path, raw, z in page["lazy"]:
            print(f"    {kind:<4} {path + ' (on opening the map)':<62} {raw:>9,} B {z:>8,} B gz")
        if page["lazy"]:
            lazy_gz = gz_total + sum(r[3] for r in page["lazy"])
            print(f"    {'total with the map opened':<67} {'':>11} {lazy_gz:>8,} B gz")
        print()
        summary.append((name, len(page["rows"]) - 1, raw_total, gz_total))

    head = f"{'page':<18} {'assets':>6} {'raw KB':>8} {'gzip KB':>8}"
    print(head)
    print("-" * len(head))
    for name, n, raw, z in summary:
        print(f"{name:<18} {n:>6} {raw / 1024:>8.1f} {z / 1024:>8.1f}")
    capture_gz = next(z for name, _n, _r, z in summary if name == "capture")
    print(
        f"\ncapture page: {capture_gz / 1024:.1f} KB gzip'd vs. goal {GOAL_KB} KB -> "
        f"{capture_gz / 1024 / GOAL_KB:.2f} of the budget "
        f"({'within' if capture_gz <= GOAL_KB * 1024 else 'OVER'} goal)"
    )
    print("(KB = 1024 bytes; cold cache, every asset counted once per page.)")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
