"""The triage map's data: points when zoomed in, grid clusters when zoomed out or crowded."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from triage_factories import (
    LAT,
    LON,
    login,
    make_admin,
    make_coordinator,
    make_issue,
    make_obs,
    make_staff,
    offset,
)

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.geo import grid_cell
from fieldapp.triage import map_queries, map_summary
from fieldapp.triage.duplicates import merge_into
from fieldapp.triage.models import MapCell
from fieldapp.triage.workflow import Actor, change_status
from tests.stats.summary_checks import recounted_cells, stored_cells


def geojson(client, query: str) -> dict:
    resp = client.get(f"/triage/map.geojson?{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def view(lat: float, lon: float, half: float) -> str:
    return f"{lat - half},{lon - half},{lat + half},{lon + half}"


def test_grid_cells_follow_the_position_on_insert_and_update(app) -> None:
    obs = make_obs()
    assert (obs.grid_y, obs.grid_x) == grid_cell(LAT, LON)
    moved = offset(LAT, LON, north_m=2000)
    obs.lat, obs.lon = moved
    db.session.commit()
    assert (obs.grid_y, obs.grid_x) == grid_cell(*moved)
    obs.lat = obs.lon = None
    db.session.commit()
    assert (obs.grid_y, obs.grid_x) == (None, None)


def test_zoomed_out_gives_clusters_that_count_what_the_filters_keep(client) -> None:
    for i in range(3):
        make_obs(lat=offset(LAT, LON, east_m=40 * i)[0], category="lighting")
    far = offset(LAT, LON, north_m=5000)
    make_obs(lat=far[0], lon=far[1], category="lighting")
    make_obs(category="waste")
    make_issue([make_obs()])  # in an issue: not on the observations map
    login(client, make_coordinator())

    data = geojson(client, f"bbox={view(LAT, LON, 0.2)}&zoom=11")
    assert data["clustered"] is True
    assert data["total"] == 5
    counts = sorted(f["properties"]["count"] for f in data["features"])
    assert counts == [1, 4]  # the nearby four in one cluster, the far one alone
    big = next(f for f in data["features"] if f["properties"]["count"] == 4)
    s, w, n, e = big["properties"]["bounds"]
    lon_c, lat_c = big["geometry"]["coordinates"]
    assert s <= LAT <= n and w <= LON <= e and s <= lat_c <= n and w <= lon_c <= e

    lighting = geojson(client, f"category=lighting&bbox={view(LAT, LON, 0.2)}&zoom=11")
    assert lighting["total"] == 4
    issues = geojson(client, f"kind=issues&bbox={view(LAT, LON, 0.2)}&zoom=11")
    assert issues["total"] == 1


def test_a_cluster_gathers_many_grid_cells(client) -> None:
    fy, fx = map_queries.cluster_factors(11)
    cells = [grid_cell(*offset(LAT, LON, north_m=120 * i)) for i in range(4)]
    # Four different fine cells inside one cluster cell at zoom 11 (checked, not assumed).
    assert len(set(cells)) == 4 and len({(y // fy, x // fx) for y, x in cells}) == 1
    for i in range(4):
        make_obs(lat=offset(LAT, LON, north_m=120 * i)[0])
    login(client, make_coordinator())
    data = geojson(client, f"bbox={view(LAT, LON, 0.2)}&zoom=11")
    assert [f["properties"]["count"] for f in data["features"]] == [4]


def test_cluster_counts_do_not_change_when_the_map_pans(client) -> None:
    for i in range(6):
        make_obs(lat=offset(LAT, LON, north_m=30 * i)[0])
    login(client, make_coordinator())
    first = geojson(client, f"bbox={view(LAT, LON, 0.05)}&zoom=12")
    panned = geojson(client, f"bbox={view(LAT + 0.01, LON + 0.01, 0.05)}&zoom=12")
    assert [f["properties"] for f in first["features"]] == [
        f["properties"] for f in panned["features"]
    ]


def test_zoomed_in_gives_compact_points_until_there_are_too_many(client, monkeypatch) -> None:
    obs = [make_obs(lat=offset(LAT, LON, east_m=20 * i)[0]) for i in range(3)]
    login(client, make_coordinator())
    data = geojson(client, f"bbox={view(LAT, LON, 0.01)}&zoom=16")
    assert data["clustered"] is False
    assert {f["properties"]["id"] for f in data["features"]} == {o.id for o in obs}
    props = data["features"][0]["properties"]
    assert set(props) == {"kind", "id", "category"}  # details come from the popup URL
    monkeypatch.setattr(map_queries, "POINT_LIMIT", 2)
    data = geojson(client, f"bbox={view(LAT, LON, 0.01)}&zoom=16")
    assert data["clustered"] is True and data["total"] == 3


def test_points_with_a_time_of_day_filter_use_the_lists_exact_check(client) -> None:
    from datetime import UTC, datetime

    # 19:30 local (CET, +1) is evening; 08:30 local is morning.
    evening = make_obs(created_at=datetime(2026, 1, 15, 18, 30, tzinfo=UTC))
    make_obs(created_at=datetime(2026, 1, 15, 7, 30, tzinfo=UTC))
    login(client, make_coordinator())
    data = geojson(client, f"time=evening&bbox={view(LAT, LON, 0.01)}&zoom=16")
    assert [f["properties"]["id"] for f in data["features"]] == [evening.id]


@pytest.mark.parametrize("zoom", ["0", "21", "x", "1.5"])
def test_a_bad_zoom_is_a_400_with_a_message(client, zoom) -> None:
    login(client, make_coordinator())
    resp = client.get(f"/triage/map.geojson?zoom={zoom}")
    assert resp.status_code == 400
    assert "zoom" in resp.get_json()["details"]


def test_popup_details_for_a_point_and_who_may_see_them(client, new_browser) -> None:
    parks = make_admin()
    police = make_admin("Nordjyllands Politi", "politi@example.dk")
    loose = make_obs(text="Lampen <b>blinker</b>")
    mine = make_issue([make_obs()], status="forwarded", administration=parks, title="Mørk sti")
    theirs = make_issue([make_obs()], status="forwarded", administration=police)
    login(client, make_coordinator())
    item = client.get(f"/triage/map/observation/{loose.id}.json").get_json()
    assert item["text"] == "Lampen <b>blinker</b>" and item["kind"] == "observation"
    item = client.get(f"/triage/map/issue/{mine.id}.json").get_json()
    assert item["title"] == "Mørk sti" and item["url"].endswith(f"/triage/issues/{mine.id}")
    assert client.get("/triage/map/observation/999999.json").status_code == 404
    assert client.get("/triage/map/walk/1.json").status_code == 404

    staff = login(new_browser(), make_staff(parks, "staff@parks.dk"))
    assert staff.get(f"/triage/map/issue/{mine.id}.json").status_code == 200
    assert staff.get(f"/triage/map/issue/{theirs.id}.json").status_code in (403, 404)
    assert staff.get(f"/triage/map/observation/{loose.id}.json").status_code == 403


def test_cluster_size_grows_as_the_map_zooms_out() -> None:
    sizes = [map_queries.cluster_factors(z) for z in range(8, 17)]
    assert all(a[1] >= b[1] for a, b in zip(sizes, sizes[1:], strict=False))
    assert sizes[-1] == (1, 1)


def test_map_cells_follow_creates_triage_moves_and_deletes(client) -> None:
    far = offset(LAT, LON, north_m=4000)
    obs = [make_obs(), make_obs(category="waste"), make_obs(lat=far[0], lon=far[1])]
    make_obs(lat=None, lon=None)
    assert stored_cells() == recounted_cells()
    issue = make_issue([obs[0]])  # no longer loose; an issue appears
    other = make_issue([obs[1]])
    actor = Actor(user_id=None, coordinates=True)
    merge_into(db.session, issue, actor, observation_ids=[obs[2].id], issue_ids=[other.id])
    change_status(db.session, issue, actor, "triaged", internal_note="set")
    db.session.commit()
    assert stored_cells() == recounted_cells()
    issue.lat, issue.lon = far
    issue.category = "waste"
    db.session.commit()
    assert stored_cells() == recounted_cells()
    # Deleting the issue: the database hands its observations back to triage (issue NULL).
    db.session.delete(other)
    db.session.commit()
    db.session.delete(issue)
    db.session.commit()
    db.session.expire_all()
    assert stored_cells() == recounted_cells()
    db.session.delete(db.session.get(Observation, obs[2].id))
    db.session.commit()
    assert stored_cells() == recounted_cells()
    db.session.execute(delete(MapCell))
    db.session.commit()
    map_summary.rebuild(db.session.connection())
    db.session.commit()
    assert stored_cells() == recounted_cells()


def test_zoomed_out_clusters_from_map_cells_match_counting_the_rows(client, monkeypatch) -> None:
    for i in range(12):
        lat, lon = offset(LAT, LON, north_m=700 * (i % 4), east_m=900 * (i % 3))
        make_obs(lat=lat, lon=lon, category="lighting" if i % 2 else "waste")
    make_issue([make_obs()], status="triaged")
    login(client, make_coordinator())
    queries = [
        f"bbox={view(LAT, LON, 0.3)}&zoom=10",
        f"category=waste&bbox={view(LAT, LON, 0.3)}&zoom=11",
        f"kind=issues&bbox={view(LAT, LON, 0.3)}&zoom=10",
        f"kind=issues&status=closed&bbox={view(LAT, LON, 0.3)}&zoom=10",
    ]
    from_cells = [geojson(client, q) for q in queries]
    monkeypatch.setattr(map_queries, "_summary_clusters", lambda *a: None)
    counted = [geojson(client, q) for q in queries]
    assert [d["total"] for d in from_cells] == [d["total"] for d in counted] == [12, 6, 1, 0]
    assert all(d["clustered"] for d in from_cells)
