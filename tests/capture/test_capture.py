"""A participant's phone: send observations, see and change their own, nobody else's."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db

TEXT = "Stien mellem blok 4 og 6 er helt mørk."


def observations() -> list[Observation]:
    """What is committed: a rollback drops anything a view flushed but never committed."""
    db.session.rollback()
    return list(db.session.scalars(select(Observation).order_by(Observation.id)))


def jpeg(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "JPEG")
    return buf.getvalue()


def form(**fields):
    data = {
        "category": "lighting",
        "safety": "2",
        "text": TEXT,
        "lat": "57.0693",
        "lon": "9.9089",
        "accuracy_m": "12.5",
        "location_source": "gps",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def send(client, walk, **fields):
    return client.post(
        f"/w/{walk.join_token}/new", data=form(**fields), content_type="multipart/form-data"
    )


def field_errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="field-errors"[^>]*>(.*?)</ul>', html, re.S))


@pytest.fixture
def walk(client, participant, kit):
    """A running walk that `client` joined as a resident, messages in English."""
    kit.english(client)
    return participant


@pytest.fixture
def police(new_browser, walk, kit):
    """Another phone on the same walk: a police officer who gave a name."""
    browser = new_browser("en")
    assert kit.join_walk(browser, walk, role="police", display_name="Nærbetjent").status_code == 302
    return browser


@pytest.fixture
def coordinator(new_browser, kit):
    browser = new_browser("en")
    assert kit.AuthActions(browser).login("coordinator").status_code == 302
    return browser


def test_without_joining_the_form_sends_you_to_the_join_page(new_browser, walk) -> None:
    stranger = new_browser()
    for resp in (
        stranger.get(f"/w/{walk.join_token}/new"),
        send(stranger, walk),
        stranger.get(f"/w/{walk.join_token}/mine"),
    ):
        assert resp.status_code == 302
        assert urlsplit(resp.location).path == f"/j/{walk.join_token}"
    assert observations() == []


def test_form_shows_categories_and_a_client_key(client, walk) -> None:
    resp = client.get(f"/w/{walk.join_token}/new")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'value="lighting"' in html and 'value="good_place"' in html
    assert re.search(r'name="client_key" type="hidden" value="[0-9a-f]{32}"', html)


def test_valid_observation_is_stored_and_listed_as_mine(client, walk) -> None:
    resp = send(client, walk, client_key="phone-key-0001")
    assert resp.status_code == 302
    parts = urlsplit(resp.location)
    assert parts.path == f"/w/{walk.join_token}/mine"

    (obs,) = observations()
    assert parse_qs(parts.query)["sent"] == [str(obs.id)]
    assert obs.walk_id == walk.id
    assert obs.participant.role == "resident"
    assert (obs.category, obs.safety, obs.severity, obs.text) == ("lighting", 2, None, TEXT)
    assert (obs.lat, obs.lon, obs.accuracy_m, obs.location_source) == (57.0693, 9.9089, 12.5, "gps")
    assert obs.client_key == "phone-key-0001"

    html = client.get(resp.location).get_data(as_text=True)
    assert "Thank you! Your observation is saved." in html
    assert TEXT in html
    assert "GPS, ±12 m" in html


def test_a_pin_placed_on_the_map_has_no_gps_accuracy(client, walk) -> None:
    assert send(client, walk, location_source="map").status_code == 302
    (obs,) = observations()
    assert (obs.location_source, obs.accuracy_m) == ("map", None)


def test_danish_decimal_comma_is_understood(client, walk) -> None:
    assert send(client, walk, lat="57,0693", lon="9,9089").status_code == 302
    (obs,) = observations()
    assert (obs.lat, obs.lon) == (57.0693, 9.9089)


def test_position_is_optional(client, walk) -> None:
    resp = send(client, walk, lat="", lon="", accuracy_m="", location_source="")
    assert resp.status_code == 302
    (obs,) = observations()
    assert (obs.lat, obs.lon, obs.accuracy_m, obs.location_source) == (None, None, None, None)
    html = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert "No position" in html


def test_only_category_is_required(client, walk) -> None:
    resp = send(
        client,
        walk,
        safety=None,
        text=None,
        lat=None,
        lon=None,
        accuracy_m=None,
        location_source=None,
        category="good_place",
    )
    assert resp.status_code == 302
    (obs,) = observations()
    assert (obs.category, obs.safety, obs.text) == ("good_place", None, "")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "ufo"}, "Not a valid choice."),
        ({"category": None}, "Choose what the observation is about."),
        ({"lat": "0", "lon": "0"}, "The position is not valid."),
        ({"lat": "95"}, "The position is not valid."),
        ({"lat": ""}, "The position is not valid."),
        ({"lon": ""}, "The position is not valid."),
        ({"safety": "9"}, "Choose a value from 1 to 5."),
        ({"severity": "7"}, "Choose one of the options."),
        ({"text": "x" * 2001}, "2000"),
    ],
    ids=[
        "unknown-category",
        "no-category",
        "zero-zero",
        "lat-95",
        "only-lon",
        "only-lat",
        "safety-9",
        "severity-7",
        "text-too-long",
    ],
)
def test_invalid_input_is_400_with_a_message_and_the_text_kept(client, walk, fields, message):
    if "text" not in fields:
        fields = {**fields, "text": "Graffiti <b>på</b> gavlen & døren"}
    resp = send(client, walk, **fields)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in field_errors(html)
    if fields["text"].startswith("Graffiti"):
        assert "Graffiti &lt;b&gt;på&lt;/b&gt; gavlen &amp; døren" in html
    assert observations() == []


def test_non_numeric_safety_is_400_not_500(client, walk) -> None:
    resp = send(client, walk, safety="very")
    assert resp.status_code == 400
    assert observations() == []


def test_refused_photo_names_the_file_keeps_the_text_and_stores_nothing(client, walk, app):
    data = form(text="Knust glas ved trappen")
    data["photos"] = [
        (io.BytesIO(jpeg()), "good.jpg"),
        (io.BytesIO(b"this is not a photo at all"), "x.jpg"),
    ]
    resp = client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "The photo x.jpg was not added" in html
    assert "good.jpg was not added" not in field_errors(html)
    # Nothing was saved, and the page cannot refill the file input: both must be chosen again.
    assert "Choose your photos again after correcting the form: good.jpg, x.jpg." in html
    assert "Knust glas ved trappen" in html
    assert observations() == []
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_more_photos_than_allowed_is_400(client, walk, app) -> None:
    limit = app.config["MAX_PHOTOS_PER_OBSERVATION"]
    data = form()
    data["photos"] = [
        (io.BytesIO(jpeg(color=(i * 20, 0, 0))), f"p{i}.jpg") for i in range(limit + 1)
    ]
    resp = client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert f"at most {limit} photos" in resp.get_data(as_text=True)
    assert observations() == []


def test_photos_up_to_the_limit_are_stored(client, walk, app) -> None:
    limit = app.config["MAX_PHOTOS_PER_OBSERVATION"]
    data = form()
    data["photos"] = [(io.BytesIO(jpeg(color=(i * 30, 90, 0))), f"p{i}.jpg") for i in range(limit)]
    resp = client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    (obs,) = observations()
    assert [p.position for p in obs.photos] == list(range(limit))


def test_a_resent_client_key_makes_no_duplicate(client, walk) -> None:
    first = send(client, walk, client_key="resend-key-42")
    second = send(client, walk, client_key="resend-key-42", text="sent again after a timeout")
    assert first.status_code == second.status_code == 302
    (obs,) = observations()
    assert obs.text == TEXT
    assert parse_qs(urlsplit(second.location).query)["sent"] == [str(obs.id)]
    # A new key is a new observation.
    assert send(client, walk, client_key="another-key-43").status_code == 302
    assert len(observations()) == 2


def test_edit_own_observation(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    page = client.get(f"/w/{walk.join_token}/o/{obs.id}/edit")
    assert page.status_code == 200
    assert TEXT in page.get_data(as_text=True)
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data=form(
            category="vegetation",
            text="Buskene er for høje",
            lat="",
            lon="",
            accuracy_m="",
            safety="3",
        ),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    (obs,) = observations()
    assert (obs.category, obs.text, obs.safety, obs.lat, obs.lon) == (
        "vegetation",
        "Buskene er for høje",
        3,
        None,
        None,
    )
    assert "Your changes are saved." in client.get(resp.location).get_data(as_text=True)


def test_edit_with_an_error_is_400_and_changes_nothing(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data=form(safety="9", text="Ændret tekst"),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "Ændret tekst" in resp.get_data(as_text=True)
    (obs,) = observations()
    assert (obs.text, obs.safety) == (TEXT, 2)


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


def test_delete_own_observation(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    resp = client.post(f"/w/{walk.join_token}/o/{obs.id}/delete")
    assert resp.status_code == 302
    assert observations() == []
    assert "The observation is deleted." in client.get(resp.location).get_data(as_text=True)
    assert client.post(f"/w/{walk.join_token}/o/{obs.id}/delete").status_code == 404


def test_closed_walk_refuses_new_edited_and_deleted_observations(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    walk.status = "closed"
    db.session.commit()
    closed = "This walk is closed, so observations can no longer be added or changed."

    resp = send(client, walk, text="for sent")
    assert resp.status_code == 409
    assert closed in resp.get_data(as_text=True)
    assert client.get(f"/w/{walk.join_token}/new").status_code == 200

    base = f"/w/{walk.join_token}/o/{obs.id}"
    for resp in (
        client.get(f"{base}/edit"),
        client.post(f"{base}/edit", data=form(text="ændret"), content_type="multipart/form-data"),
        client.post(f"{base}/delete"),
    ):
        assert resp.status_code == 302
        assert closed in client.get(resp.location).get_data(as_text=True)
    (obs,) = observations()
    assert obs.text == TEXT


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


def test_the_unused_camera_input_sends_an_empty_part_that_is_ignored(client, walk) -> None:
    data = form()
    data["photos"] = [(io.BytesIO(b""), ""), (io.BytesIO(jpeg()), "valgt.jpg")]
    resp = client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    (obs,) = observations()
    assert len(obs.photos) == 1


def test_a_request_over_the_size_limit_gets_the_friendly_413_page(client, walk, app) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        data = form()
        data["photos"] = [(io.BytesIO(b"\xff" * 60_000), "stor.jpg")]
        resp = client.post(
            f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data"
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert 'class="site-header"' in html
    assert "Try fewer or smaller photos." in html
    assert observations() == []
