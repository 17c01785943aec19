"""The action plan a page at a time (done items stay in the plan year after year), its filters
kept on the page links; it used to stop at 500 items with a note."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from plan_support import stats_fixtures as f

from fieldapp.plans.services import ITEMS_PER_PAGE

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("fieldapp.plans.views.today", lambda: TODAY)


def item_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="card plan-item[^"]*" id="item-(\d+)"', html)]


def test_items_are_paged_in_plan_order_with_the_filter_kept(client, app) -> None:
    area = f.make_area("Løvvangen")
    pending = [
        f.make_item(area, f"Opgave {i:02d}", deadline=TODAY + timedelta(days=i + 1))
        for i in range(ITEMS_PER_PAGE + 3)
    ]
    f.make_item(area, "Færdig", status="done", completed_at=f.utc(2026, 3, 10, 12))
    f.login(client, f.make_user("coordinator", "k@example.dk"))

    html = client.get(f"/plans/area/{area.id}?status=pending").get_data(as_text=True)
    assert 'aria-label="Pages of action items"' in html and "Page 1 of 2" in html
    assert f'href="/plans/area/{area.id}?status=pending&amp;page=2"' in html
    first = item_ids(html)
    html = client.get(f"/plans/area/{area.id}?status=pending&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in html and 'rel="next"' not in html
    assert f'href="/plans/area/{area.id}?status=pending"' in html
    assert first + item_ids(html) == [i.id for i in pending]  # soonest deadline first, once
    assert "Færdig" not in html
    assert client.get("/plans/?page=-1").status_code == 400
    # The whole plan: one more item, still two pages; none for a short plan.
    html = client.get("/plans/").get_data(as_text=True)
    assert "Page 1 of 2" in html
    html = client.get("/plans/?status=done").get_data(as_text=True)
    assert item_ids(html) and 'class="pager"' not in html
