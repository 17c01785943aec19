"""A participant's phone sends an observation: what is stored, what is optional, and bad input
answered with 400, a message and the text kept."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from capture_support import (  # noqa: F401 (fixtures)
    TEXT,
    field_errors,
    fixture_walk,
    form,
    observations,
    send,
)


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
