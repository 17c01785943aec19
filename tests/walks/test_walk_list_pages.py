"""The coordinator's start page lists walks a page at a time, what needs acting on first."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.services import WALKS_PER_PAGE

T0 = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/walks/\d+">([^<]+)</a></h2>', html)


def test_running_then_planned_soonest_then_closed_newest(coordinator, make_walk) -> None:
    make_walk(title="Lukket gammel", status="closed", starts_at=T0 - timedelta(days=90))
    make_walk(title="Lukket ny", status="closed", starts_at=T0 - timedelta(days=9))
    make_walk(title="Planlagt senere", status="planned", starts_at=T0 + timedelta(days=60))
    make_walk(title="Planlagt snart", status="planned", starts_at=T0 + timedelta(days=6))
    make_walk(title="I gang", status="running", starts_at=T0)
    html = coordinator.get("/walks/").get_data(as_text=True)
    assert titles(html) == [
        "I gang",
        "Planlagt snart",
        "Planlagt senere",
        "Lukket ny",
        "Lukket gammel",
    ]
    assert 'class="pager"' not in html  # one page: no page links


def test_pages_cover_every_walk_once_with_counts_per_walk(coordinator, make_walk) -> None:
    walks = [
        make_walk(title=f"Vandring {i:02d}", status="closed", starts_at=T0 - timedelta(days=i))
        for i in range(WALKS_PER_PAGE * 2 + 3)
    ]
    db.session.add_all(Observation(walk=walks[-1], category="lighting") for _ in range(3))
    db.session.commit()
    first = coordinator.get("/walks/").get_data(as_text=True)
    assert 'aria-label="Pages of walks"' in first and "Page 1 of 3" in first
    assert 'rel="prev"' not in first and 'href="/walks/?page=2"' in first
    seen = titles(first)
    for number in (2, 3):
        resp = coordinator.get(f"/walks/?page={number}")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert f"Page {number} of 3" in html
        seen += titles(html)
    assert seen == [w.title for w in walks]  # newest first, none twice, none missing
    last = coordinator.get("/walks/?page=3").get_data(as_text=True)
    assert 'rel="next"' not in last and 'href="/walks/?page=2"' in last
    assert "3 observations" in last
    # Past the end: the last page, not an empty one.
    assert titles(coordinator.get("/walks/?page=99").get_data(as_text=True)) == titles(last)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "9999999"])
def test_a_bad_page_number_is_400_with_a_message(coordinator, make_walk, page) -> None:
    make_walk()
    resp = coordinator.get(f"/walks/?page={page}")
    assert resp.status_code == 400
    assert "The page number is not valid" in resp.get_data(as_text=True)


def test_page_links_in_danish(client, auth, make_walk) -> None:
    for i in range(WALKS_PER_PAGE + 1):
        make_walk(title=f"Vandring {i}", starts_at=T0 - timedelta(days=i))
    auth.login("coordinator")
    html = client.get("/walks/").get_data(as_text=True)
    assert "Side 1 af 2" in html and "Næste side" in html
    html = client.get("/walks/?page=2").get_data(as_text=True)
    assert "Forrige side" in html
