"""The walk-request queue a page at a time: the public form takes requests for years, and the
"walked" and "declined" tabs only grow. The map beside the list shows the same page's pins."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from request_fixtures import KAROLINELUNDEN

from fieldapp.extensions import db
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walkrequests.services import REQUESTS_PER_PAGE

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def add_requests(n: int, status: str = "new") -> list[WalkRequest]:
    rows = [
        WalkRequest(
            requester_kind="resident",
            place_name=f"Sted {i:03d}",
            lat=KAROLINELUNDEN[0],
            lon=KAROLINELUNDEN[1],
            status=status,
            created_at=T0 + timedelta(hours=i),
            answered_at=T0 + timedelta(days=30, hours=i) if status != "new" else None,
        )
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def places(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/walk-requests/\d+">([^<]+)</a></h2>', html)


def test_the_queue_pages_every_request_once_keeping_the_status_tab(coordinator) -> None:
    declined = add_requests(REQUESTS_PER_PAGE + 5, status="declined")
    add_requests(2)  # unanswered: not under "declined"
    first = coordinator.get("/walk-requests/?status=declined").get_data(as_text=True)
    assert 'aria-label="Pages of walk requests"' in first and "Page 1 of 2" in first
    assert len(places(first)) == REQUESTS_PER_PAGE
    assert 'href="/walk-requests/?status=declined&amp;page=2"' in first
    assert 'data-geojson-url="/walk-requests/requests.geojson?status=declined"' in first
    second = coordinator.get("/walk-requests/?status=declined&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="next"' not in second
    assert 'href="/walk-requests/?status=declined"' in second  # back to page 1, no ?page=1
    # Latest answer first, none twice, none missing.
    expected = [r.place_name for r in sorted(declined, key=lambda r: r.answered_at, reverse=True)]
    assert places(first) + places(second) == expected
    # The map shows the pins of the page it stands beside.
    page_2 = 'data-geojson-url="/walk-requests/requests.geojson?status=declined&amp;page=2"'
    assert page_2 in second
    pins = coordinator.get("/walk-requests/requests.geojson?status=declined&page=2").get_json()
    assert len(pins["features"]) == 5
    # Past the end: the last page.
    assert places(
        coordinator.get("/walk-requests/?status=declined&page=9").get_data(as_text=True)
    ) == places(second)


def test_one_page_has_no_page_links_and_a_bad_number_is_400(coordinator) -> None:
    add_requests(3)
    html = coordinator.get("/walk-requests/").get_data(as_text=True)
    assert len(places(html)) == 3 and 'class="pager"' not in html
    resp = coordinator.get("/walk-requests/?page=0")
    assert resp.status_code == 400
    assert "The page number is not valid" in resp.get_data(as_text=True)
    assert coordinator.get("/walk-requests/requests.geojson?page=x").status_code == 400
