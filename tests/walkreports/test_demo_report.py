"""The demo has a closed walk with a published follow-up report anyone with the link can read."""

from __future__ import annotations

from conftest import english
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.walkreports.models import WalkReport
from fieldapp.walks.models import Walk


def test_seed_demo_publishes_the_lovvangen_report(client, runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    report = db.session.scalar(select(WalkReport))
    walk = db.session.get(Walk, report.walk_id)
    assert walk.status == "closed" and "Løvvangen" in walk.title
    assert report.is_published and "Tak til alle" in report.introduction
    page = english(client).get(f"/r/{report.token}")
    assert page.status_code == 200
    for expected in ("What has been done", "Resolved", "Rejected", "Sundby-Hvorup"):
        assert expected in page.text, expected
    # Safe to run twice: the report is not published again.
    assert "nothing changed" in runner.invoke(args=["seed-demo"]).output
    assert db.session.scalar(select(WalkReport.id).where(WalkReport.id != report.id)) is None
