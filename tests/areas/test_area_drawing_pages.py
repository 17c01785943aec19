"""The admin draws, redraws, renames and deletes areas; findings inside follow the outline."""

from __future__ import annotations

import json
import re

import pytest
from area_fixtures import (
    COURTYARD,
    ELSEWHERE,
    ESTATE,
    IN_COURTYARD,
    IN_ESTATE_ONLY,
    area_of,
    drawn,
    make_area,
    make_issue,
    make_obs,
)
from sqlalchemy import select

from fieldapp.areas.models import Area
from fieldapp.extensions import db


@pytest.fixture
def admin(client, auth, kit):
    kit.english(client)
    auth.login("admin")
    return client


def test_the_add_page_has_a_drawing_map_and_the_labelled_geojson_field(admin) -> None:
    page = admin.get("/admin/areas/new").get_data(as_text=True)
    assert "data-area-draw" in page and 'data-input="geojson"' in page
    assert 'role="application"' in page
    assert '<label for="geojson">Outline as GeoJSON</label>' in page
    assert re.search(r'<textarea [^>]*class="code-input" id="geojson"', page)
    assert "js/area-draw.js" in page and "vendor/leaflet/leaflet.js" in page
    for button in ("Undo last point", "Clear", "Finish", "Add corner at the centre"):
        assert button in page


def test_a_drawn_polygon_posted_as_the_map_fills_it_creates_the_area(admin) -> None:
    obs = make_obs(IN_COURTYARD)  # reported before the area existed
    resp = admin.post("/admin/areas", data={"name": "Gården", "geojson": drawn(*COURTYARD)})
    assert resp.status_code == 302
    page = admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "The area Gården is added." in page
    assert "In the area now: 1 observations, 0 issues, 0 walks." in page
    area = db.session.scalar(select(Area))
    assert (area.west, area.south, area.east, area.north) == COURTYARD
    assert area_of(obs) == area.id


def test_the_areas_page_has_an_overview_map_the_table_and_edit_links(admin) -> None:
    area = make_area("Løvvangen", ESTATE)
    page = admin.get("/admin/areas").get_data(as_text=True)
    assert "data-area-overview" in page and "/admin/areas.geojson" in page
    assert '<th scope="row">Løvvangen</th>' in page
    assert f'href="/admin/areas/{area.id}/edit"' in page
    data = admin.get("/admin/areas.geojson").get_json()
    [feature] = data["features"]
    assert feature["properties"] == {
        "id": area.id,
        "name": "Løvvangen",
        "url": f"/admin/areas/{area.id}/edit",
    }
    assert feature["geometry"]["type"] == "Polygon"


def test_the_edit_page_shows_the_current_outline_in_the_field_the_map_reads(admin) -> None:
    area = make_area("Løvvangen", ESTATE)
    page = admin.get(f"/admin/areas/{area.id}/edit").get_data(as_text=True)
    assert "Edit area Løvvangen" in page
    assert 'value="Løvvangen"' in page
    assert "[9.905,57.066]" in page  # the stored geometry, in the textarea
    assert f'data-area-id="{area.id}"' in page


def test_redrawing_moves_findings_in_and_out_of_the_area(admin) -> None:
    estate = make_area("Løvvangen", ESTATE)
    courtyard = make_area("Gården", COURTYARD)
    in_courtyard = make_obs(IN_COURTYARD, area_id=courtyard.id)
    beside = make_obs(IN_ESTATE_ONLY, area_id=estate.id)
    issue = make_issue(IN_ESTATE_ONLY)
    # Redraw the courtyard over the estate's south-west corner instead.
    moved = (9.905, 57.066, 9.907, 57.068)
    resp = admin.post(
        f"/admin/areas/{courtyard.id}/edit", data={"name": "Gården", "geojson": drawn(*moved)}
    )
    assert resp.status_code == 302
    assert area_of(in_courtyard) == estate.id  # left the redrawn area
    assert area_of(beside) == courtyard.id  # now inside it
    assert area_of(issue) == courtyard.id
    page = admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "The area Gården is saved." in page
    assert "In the area now: 1 observations, 1 issues, 0 walks." in page


def test_renaming_keeps_the_outline_and_says_nothing_about_contents(admin) -> None:
    area = make_area("Løvvangen", ESTATE)
    resp = admin.post(
        f"/admin/areas/{area.id}/edit",
        data={"name": "Løvvangen Nord", "geojson": area.geometry},
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert "The area Løvvangen Nord is saved." in page
    assert "In the area now" not in page
    db.session.expire_all()
    assert db.session.get(Area, area.id).name == "Løvvangen Nord"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Midtbyen", "geojson": drawn(*ESTATE)},
            "An area called “Midtbyen” already exists.",
        ),
        ({"name": "Løvvangen", "geojson": ""}, "Paste GeoJSON or choose a .geojson file."),
        (
            {"name": "Løvvangen", "geojson": json.dumps({"type": "Polygon", "coordinates": [[]]})},
            "The coordinates are empty or not nested as a polygon&#39;s are.",
        ),
    ],
    ids=["name-taken", "cleared", "no-corners"],
)
def test_a_bad_edit_is_400_keeps_the_input_and_changes_nothing(admin, data, message) -> None:
    area = make_area("Løvvangen", ESTATE)
    make_area("Midtbyen", ELSEWHERE)
    before = area.geometry
    resp = admin.post(f"/admin/areas/{area.id}/edit", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert message in page
    assert f'value="{data["name"]}"' in page
    db.session.expire_all()
    saved = db.session.get(Area, area.id)
    assert (saved.name, saved.geometry) == ("Løvvangen", before)


def test_a_bad_new_area_is_400_on_the_drawing_page(admin) -> None:
    resp = admin.post("/admin/areas", data={"name": "Sti", "geojson": '{"type": "Point"}'})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "data-area-draw" in page and "The geometry is a Point" in page


def test_editing_an_unknown_area_is_404(admin) -> None:
    assert admin.get("/admin/areas/999999/edit").status_code == 404
    assert admin.post("/admin/areas/999999/edit", data={"name": "X"}).status_code == 404


def test_deleting_an_area_hands_its_findings_to_a_larger_one(admin) -> None:
    estate = make_area("Løvvangen", ESTATE)
    courtyard = make_area("Gården", COURTYARD)
    obs = make_obs(IN_COURTYARD, area_id=courtyard.id)
    resp = admin.post(f"/admin/areas/{courtyard.id}/delete")
    assert resp.status_code == 302
    assert area_of(obs) == estate.id
