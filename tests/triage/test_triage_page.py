"""The coordinator's triage page: list, filters kept in links, keyset "next" links."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

from triage_factories import T0, login, make_admin, make_coordinator, make_issue, make_obs


def rows(html: str, prefix: str = "obs-row-") -> list[int]:
    return [int(i) for i in re.findall(rf'id="{prefix}(\d+)"', html)]


def next_link(html: str) -> str | None:
    match = re.search(r'<a class="button small" rel="next" href="([^"]+)"', html)
    return html_lib.unescape(match.group(1)) if match else None


def test_list_pages_through_every_observation_once(client, app) -> None:
    made = {
        make_obs(created_at=T0 + timedelta(minutes=i % 3), category="waste").id for i in range(60)
    }
    make_obs(category="lighting")
    login(client, make_coordinator())
    first = client.get("/triage/?category=waste").get_data(as_text=True)
    assert len(rows(first)) == 50
    link = next_link(first)
    assert "category=waste" in link and "after=" in link
    second = client.get(link).get_data(as_text=True)
    assert set(rows(first)) | set(rows(second)) == made
    assert not set(rows(first)) & set(rows(second))
    assert next_link(second) is None
    assert "First page" in second


def test_bad_filters_are_a_400_that_keeps_the_input(client, app) -> None:
    make_obs()
    login(client, make_coordinator())
    resp = client.get("/triage/?from=2026-02-30&q=lampe&time=brunch")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Enter the date as YYYY-MM-DD" in html and "Choose a time of day" in html
    assert 'value="2026-02-30"' in html and 'value="lampe"' in html
    resp = client.get("/triage/?after=garbage")
    assert resp.status_code == 400 and "showing the first page" in resp.get_data(as_text=True)
    assert client.get("/triage/?area=424242").status_code == 400


def test_issues_tab_filters_and_keeps_them_in_links(client, app) -> None:
    admin = make_admin()
    fwd = make_issue(status="forwarded", administration=admin, title="Videresendt")
    new = make_issue(title="Ny sag")
    login(client, make_coordinator())
    html = client.get(f"/triage/?kind=issues&administration={admin.id}").get_data(as_text=True)
    assert rows(html, "issue-row-") == [fwd.id]
    assert f"/triage/map.geojson?kind=issues&amp;administration={admin.id}" in html
    html = client.get("/triage/?kind=issues&administration=none").get_data(as_text=True)
    assert rows(html, "issue-row-") == [new.id]
    html = client.get("/triage/?kind=issues").get_data(as_text=True)
    assert set(rows(html, "issue-row-")) == {fwd.id, new.id}
    assert 'aria-current="page">Issues' in html


def test_observation_rows_offer_a_create_issue_selection(client, app) -> None:
    obs = make_obs(text="Knust lampe", photos=2)
    login(client, make_coordinator())
    html = client.get("/triage/").get_data(as_text=True)
    assert f'<input type="checkbox" name="obs" value="{obs.id}" id="sel-{obs.id}">' in html
    assert f'<label for="sel-{obs.id}"' in html
    assert 'action="/triage/issues/new"' in html and "2 photos" in html


def test_walk_filter_lists_recent_walks_and_keeps_an_older_selected_one(
    client, app, make_walk
) -> None:
    from fieldapp.triage.view_helpers import MAX_WALK_OPTIONS

    walks = [
        make_walk(title=f"Vandring {i:02d}", starts_at=T0 - timedelta(days=i))
        for i in range(MAX_WALK_OPTIONS + 5)
    ]
    oldest = walks[-1]
    make_obs(walk=oldest, text="Fra den ældste vandring")
    login(client, make_coordinator())
    page = client.get("/triage/").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"[^>]*>Vandring', page)
    assert len(options) == MAX_WALK_OPTIONS
    assert str(walks[0].id) in options and str(oldest.id) not in options
    detail = client.get(f"/walks/{oldest.id}").get_data(as_text=True)
    assert f'href="/triage/?walk={oldest.id}"' in detail
    page = client.get(f"/triage/?walk={oldest.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{oldest.id}" selected>Vandring {len(walks) - 1}', page)
    assert "Fra den ældste vandring" in page
