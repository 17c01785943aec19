"""Who sees an observation: its own phone, not another participant's or another walk's, and
the coordinator (list, filters and the GeoJSON the walk's map reads)."""

from __future__ import annotations

import json

from capture_support import (  # noqa: F401 (fixtures)
    TEXT,
    fixture_coordinator,
    fixture_police,
    fixture_walk,
    form,
    observations,
    send,
)


def test_another_participant_cannot_see_edit_or_delete_it(client, walk, police) -> None:
    send(client, walk)
    (obs,) = observations()
    other = police
    base = f"/w/{walk.join_token}/o/{obs.id}"
    assert other.get(f"{base}/edit").status_code == 404
    assert other.post(f"{base}/edit", data=form(text="hijacked")).status_code == 404
    assert other.post(f"{base}/delete").status_code == 404
    assert TEXT not in other.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    (obs,) = observations()
    assert obs.text == TEXT


def test_an_observation_is_not_reachable_through_another_walk(client, walk, make_walk, kit):
    send(client, walk)
    (obs,) = observations()
    second = make_walk(title="Anden vandring")
    kit.join_walk(client, second)
    assert client.get(f"/w/{second.join_token}/o/{obs.id}/edit").status_code == 404
    assert client.post(f"/w/{second.join_token}/o/{obs.id}/delete").status_code == 404
    assert len(observations()) == 1


def test_coordinator_sees_observations_with_role_and_filters(client, walk, police, coordinator):
    send(client, walk, category="lighting", text="Lampen ved stien er gået")
    send(police, walk, category="waste", text="Storskrald ved containerne")

    html = coordinator.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Lampen ved stien er gået" in html and "Storskrald ved containerne" in html
    assert "Resident" in html and "Police" in html and "Nærbetjent" in html

    by_category = coordinator.get(f"/walks/{walk.id}?category=waste").get_data(as_text=True)
    assert "Storskrald ved containerne" in by_category
    assert "Lampen ved stien er gået" not in by_category

    by_role = coordinator.get(f"/walks/{walk.id}?role=resident").get_data(as_text=True)
    assert "Lampen ved stien er gået" in by_role
    assert "Storskrald ved containerne" not in by_role

    none = coordinator.get(f"/walks/{walk.id}?role=police&category=lighting")
    assert "No observations match the filter." in none.get_data(as_text=True)

    # An unknown filter value shows everything instead of failing.
    everything = coordinator.get(f"/walks/{walk.id}?category=ufo&role=mayor")
    assert everything.status_code == 200
    assert "Storskrald ved containerne" in everything.get_data(as_text=True)


def test_geojson_has_only_positioned_observations_and_text_as_data(client, walk, coordinator):
    script = '<script>alert("x")</script> & "mørk"'
    send(client, walk, text=script)
    send(client, walk, text="uden position", lat="", lon="", accuracy_m="")

    resp = coordinator.get(f"/walks/{walk.id}/observations.geojson")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    data = json.loads(resp.data)
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [9.9089, 57.0693]}
    props = feature["properties"]
    assert props["text"] == script
    assert (props["category"], props["safety"], props["role"]) == ("lighting", 2, "resident")

    filtered = coordinator.get(f"/walks/{walk.id}/observations.geojson?category=waste")
    assert json.loads(filtered.data)["features"] == []

    # On the HTML page the same text is escaped, never markup.
    html = coordinator.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_participants_cannot_read_the_coordinator_geojson(client, walk) -> None:
    assert client.get(f"/walks/{walk.id}/observations.geojson").status_code == 302
