"""Dialogue meetings a page at a time, newest first: every local group meets a few times a
year, for years."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from meeting_fixtures import make_group, make_meeting

from fieldapp.meetings.services import MEETINGS_PER_PAGE

T0 = datetime(2026, 9, 1, 17, 0, tzinfo=UTC)


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/meetings/\d+">([^<]+)</a></h2>', html)


def test_meetings_are_paged_newest_first(coordinator) -> None:
    group = make_group(None)
    meetings = [
        make_meeting(
            group, status="closed", title=f"Møde {i:02d}", starts_at=T0 - timedelta(days=i)
        )
        for i in range(MEETINGS_PER_PAGE + 4)
    ]
    first = coordinator.get("/meetings/").get_data(as_text=True)
    assert 'aria-label="Pages of meetings"' in first and "Page 1 of 2" in first
    assert 'rel="prev"' not in first and 'href="/meetings/?page=2"' in first
    second = coordinator.get("/meetings/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="next"' not in second
    assert titles(first) + titles(second) == [m.title for m in meetings]
    assert titles(coordinator.get("/meetings/?page=5").get_data(as_text=True)) == titles(second)
    resp = coordinator.get("/meetings/?page=abc")
    assert resp.status_code == 400 and "The page number is not valid" in resp.get_data(as_text=True)


def test_page_links_in_danish(client, auth) -> None:
    group = make_group(None)
    for i in range(MEETINGS_PER_PAGE + 1):
        make_meeting(group, status="closed", title=f"Møde {i}", starts_at=T0 - timedelta(days=i))
    auth.login("coordinator")
    html = client.get("/meetings/").get_data(as_text=True)
    assert "Side 1 af 2" in html and "Næste side" in html
