"""The issue page lists a merged issue's observations a page at a time, newest first, and
loads only that page's observations (its map shows them too)."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from triage_factories import T0, login, make_coordinator, make_issue, make_obs

from fieldapp.audit.models import AuditEntry
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage.services import ISSUE_OBSERVATIONS_PER_PAGE as PER_PAGE

MANY = 2 * PER_PAGE + 3


@pytest.fixture
def coordinator(client, app):
    login(client, make_coordinator())
    return client


def _hot_spot():
    """An issue with MANY observations a minute apart ("Obs 000" the oldest); the newest
    asks for e-mail updates."""
    observations = [
        make_obs(text=f"Obs {i:03d}", created_at=T0 + timedelta(minutes=i)) for i in range(MANY)
    ]
    newest = observations[-1]
    newest.email_consent = True
    newest.reporter_email = "beboer@example.dk"
    db.session.commit()
    return make_issue(observations), observations


def _texts(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"Obs \d{3}", html)))


@contextmanager
def _built():
    seen = {"observations": 0}

    def loaded(_target, _context):
        seen["observations"] += 1

    event.listen(Observation, "load", loaded)
    try:
        yield seen
    finally:
        event.remove(Observation, "load", loaded)


def test_issue_page_shows_the_newest_observations_a_page_at_a_time(coordinator):
    issue, observations = _hot_spot()
    db.session.expire_all()
    with _built() as seen:
        html = coordinator.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    texts = [f"Obs {i:03d}" for i in range(MANY)]
    assert _texts(html) == texts[::-1][:PER_PAGE]
    assert f"({MANY})" in html and "Page 1 of 3" in html
    assert seen["observations"] <= PER_PAGE  # the page's, not the issue's hundreds
    geojson = json.loads(re.search(r"data-geojson='([^']*)'", html).group(1).replace("&#39;", "'"))
    points = [
        f["properties"]["text"]
        for f in geojson["features"]
        if f["properties"]["kind"] == "observation"
    ]
    assert points == texts[::-1][:PER_PAGE]  # the map shows the page's observations

    last = coordinator.get(f"/triage/issues/{issue.id}?page=3").get_data(as_text=True)
    assert _texts(last) == texts[:3][::-1] and "Page 3 of 3" in last
    past = coordinator.get(f"/triage/issues/{issue.id}?page=40")
    assert past.status_code == 200 and "Page 3 of 3" in past.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "x", "-2", "9999999"])
def test_bad_page_numbers_on_the_issue_page_are_400(coordinator, page):
    issue, _observations = _hot_spot()
    resp = coordinator.get(f"/triage/issues/{issue.id}?page={page}")
    assert resp.status_code == 400
    assert "The page number is not valid" in resp.get_data(as_text=True)


def test_the_audit_entry_counts_the_contacts_on_the_page_shown(coordinator):
    issue, _observations = _hot_spot()
    coordinator.get(f"/triage/issues/{issue.id}")  # the newest, with its e-mail address
    coordinator.get(f"/triage/issues/{issue.id}?page=2")
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "issue.viewed").order_by(AuditEntry.id)
    ).all()
    details = [json.loads(e.detail)["reporter_contacts_shown"] for e in entries]
    assert details == [1, 0]
