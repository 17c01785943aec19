"""A walk's area comes from its form or its meeting point; what participants report on it is
put in an area the moment it is sent."""

from __future__ import annotations

import pytest
from area_fixtures import COURTYARD, ESTATE, IN_COURTYARD, IN_ESTATE_ONLY, OUTSIDE, make_area
from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.models import Walk

WALK = {
    "title": "Tryghedsvandring i Løvvangen",
    "place_name": "Løvvangen",
    "starts_at": "2026-12-01T18:30",
    "status": "running",
}


@pytest.fixture
def areas(app):
    return {"estate": make_area("Løvvangen", ESTATE), "courtyard": make_area("Gården", COURTYARD)}


def at(point) -> dict:
    return {"meeting_lat": str(point[0]), "meeting_lon": str(point[1])}


def saved_walk() -> Walk:
    db.session.rollback()
    return db.session.scalars(select(Walk).order_by(Walk.id.desc())).first()


def test_the_walk_form_offers_the_areas_and_finding_it_from_the_meeting_point(
    coordinator, areas
) -> None:
    page = coordinator.get("/walks/new").get_data(as_text=True)
    assert '<label for="area_id">Area</label>' in page
    assert "— find it from the meeting point —" in page
    assert f'<option value="{areas["courtyard"].id}">Gården</option>' in page


def test_without_areas_the_walk_form_has_no_area_select(coordinator) -> None:
    assert 'name="area_id"' not in coordinator.get("/walks/new").get_data(as_text=True)
    assert coordinator.post("/walks/new", data=WALK | at(IN_COURTYARD)).status_code == 302
    assert saved_walk().area_id is None


def test_a_walk_without_a_chosen_area_gets_the_one_around_its_meeting_point(
    coordinator, areas
) -> None:
    resp = coordinator.post("/walks/new", data=WALK | at(IN_COURTYARD) | {"area_id": ""})
    assert resp.status_code == 302
    assert saved_walk().area_id == areas["courtyard"].id


def test_a_chosen_area_wins_over_the_meeting_point(coordinator, areas) -> None:
    data = WALK | at(IN_COURTYARD) | {"area_id": str(areas["estate"].id)}
    assert coordinator.post("/walks/new", data=data).status_code == 302
    assert saved_walk().area_id == areas["estate"].id


def test_a_meeting_point_outside_every_area_leaves_the_walk_without_one(coordinator, areas) -> None:
    assert coordinator.post("/walks/new", data=WALK | at(OUTSIDE)).status_code == 302
    assert saved_walk().area_id is None


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_an_unknown_area_is_400_and_keeps_the_input(coordinator, areas, value) -> None:
    resp = coordinator.post("/walks/new", data=WALK | {"area_id": value})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Choose an area from the list." in page
    assert 'value="Tryghedsvandring i Løvvangen"' in page
    assert saved_walk() is None


def test_editing_a_walk_to_find_the_area_again_moves_its_findings(
    coordinator, areas, make_walk
) -> None:
    walk = make_walk(meeting_lat=IN_ESTATE_ONLY[0], meeting_lon=IN_ESTATE_ONLY[1])
    walk.area_id = areas["courtyard"].id
    obs = Observation(walk=walk, category="lighting", lat=57.1, lon=9.8, area_id=walk.area_id)
    db.session.add(obs)
    db.session.commit()
    page = coordinator.get(f"/walks/{walk.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{areas["courtyard"].id}">Gården</option>' in page
    data = WALK | at(IN_ESTATE_ONLY) | {"area_id": ""}
    assert coordinator.post(f"/walks/{walk.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Walk, walk.id).area_id == areas["estate"].id
    assert db.session.get(Observation, obs.id).area_id == areas["estate"].id


# --- capture -------------------------------------------------------------------------------------


def send(client, walk, lat, lon):
    data = {"category": "lighting", "safety": "2", "text": "Mørk sti", "lat": lat, "lon": lon}
    data["location_source"] = "gps"
    return client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")


def sent() -> Observation:
    db.session.rollback()
    return db.session.scalars(select(Observation).order_by(Observation.id.desc())).first()


def test_an_observation_sent_inside_a_polygon_gets_that_area(client, areas, make_walk, kit):
    walk = make_walk(meeting_lat=None, meeting_lon=None)
    assert kit.join_walk(client, walk).status_code == 302
    resp = send(client, walk, str(IN_COURTYARD[0]), str(IN_COURTYARD[1]))
    assert resp.status_code in (302, 303), resp.status_code
    assert sent().area_id == areas["courtyard"].id
    send(client, walk, "57.1", "9.8")
    assert sent().area_id is None
    send(client, walk, "", "")
    assert sent().area_id is None


def test_an_observation_on_a_walk_with_an_area_gets_the_walks_area(client, areas, make_walk, kit):
    walk = make_walk(area_id=areas["estate"].id)
    assert kit.join_walk(client, walk).status_code == 302
    send(client, walk, str(IN_COURTYARD[0]), str(IN_COURTYARD[1]))
    assert sent().area_id == areas["estate"].id
