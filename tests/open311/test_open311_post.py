"""POST requests: api keys, validation, idempotent tokens, photos and what is kept."""

from __future__ import annotations

import io

import pytest
from open311_support import (  # noqa: F401 (fixtures)
    API,
    LAT,
    LON,
    children,
    descriptions,
    error_codes,
    fixture_api_key,
    fixture_post_request,
    parse,
)
from PIL import Image
from sqlalchemy import func, select

from fieldapp import create_app
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.open311.models import ApiClient


def only_observation() -> Observation:
    db.session.rollback()
    (observation,) = db.session.scalars(select(Observation)).all()
    return observation


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Observation))


def test_post_json_creates_an_observation_without_a_walk(post_request) -> None:
    resp = post_request(**{"attribute[safety]": "2"})
    assert resp.status_code == 200
    (created,) = parse(resp)
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["account_id"] is None
    observation = only_observation()
    assert created["service_request_id"] == str(observation.id)
    assert observation.tracking_code in created["service_notice"]
    assert f"http://localhost/t/{observation.tracking_code}" in created["service_notice"]
    assert (observation.source, observation.walk_id, observation.participant_id) == (
        "open311",
        None,
        None,
    )
    assert (observation.category, observation.safety) == ("lighting", 2)
    assert (observation.lat, observation.lon) == (LAT, LON)
    assert observation.text == "Lampen ved stien er gået i stykker."


def test_post_xml_answers_in_xml(post_request) -> None:
    resp = post_request("xml")
    assert resp.status_code == 200
    root = parse(resp)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == str(only_observation().id)


def test_an_address_alone_is_a_location(post_request) -> None:
    resp = post_request(lat=None, long=None, address_string="Boulevarden 13, 9000 Aalborg")
    assert resp.status_code == 200
    observation = only_observation()
    assert observation.address == "Boulevarden 13, 9000 Aalborg"
    assert observation.lat is None


def test_only_a_consented_email_is_kept_names_and_phone_are_dropped(post_request) -> None:
    resp = post_request(
        email="Borger@Example.dk",
        first_name="Karen",
        last_name="Hansen",
        phone="+4512345678",
        device_id="phone-1",
        account_id="acc-9",
    )
    assert resp.status_code == 200
    observation = only_observation()
    assert observation.reporter_email == "Borger@example.dk"
    assert observation.email_consent is True
    stored = " ".join(str(v) for v in vars(observation).values())
    for secret in ("Karen", "Hansen", "12345678", "phone-1", "acc-9"):
        assert secret not in stored


def test_without_email_there_is_no_consent(post_request) -> None:
    post_request()
    observation = only_observation()
    assert (observation.reporter_email, observation.email_consent) == (None, False)


def test_same_token_twice_makes_one_request(post_request, client) -> None:
    first = parse(post_request(token="app-7f3a-0001"))
    again = parse(post_request(token="app-7f3a-0001", description="Sendt igen"))
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert count() == 1
    assert only_observation().text == "Lampen ved stien er gået i stykker."
    other = parse(post_request(client_key="app-7f3a-0002"))
    assert other[0]["service_request_id"] != first[0]["service_request_id"]
    assert count() == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_endpoint_finds_the_request(post_request, client, fmt) -> None:
    (created,) = parse(post_request(token="tok-42"))
    resp = client.get(f"{API}/tokens/tok-42.{fmt}")
    assert resp.status_code == 200
    body = parse(resp)
    if fmt == "json":
        assert body == [{"service_request_id": created["service_request_id"], "token": "tok-42"}]
    else:
        assert body.tag == "service_requests"
        assert children(body[0]) == ["service_request_id", "token"]
        assert body[0].findtext("service_request_id") == created["service_request_id"]


@pytest.mark.parametrize("token", ["never-given", "a" * 80, "bad token", "%00"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_token_is_a_404(client, token, fmt) -> None:
    resp = client.get(f"{API}/tokens/{token}.{fmt}")
    assert resp.status_code == 404
    assert error_codes(resp) == [404]


def test_a_walk_client_key_is_not_an_open311_token(client, make_walk) -> None:
    walk = make_walk()
    db.session.add(Observation(walk=walk, category="waste", client_key="phone-key-1"))
    db.session.commit()
    assert client.get(f"{API}/tokens/phone-key-1.json").status_code == 404


# --- api keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_api_key_is_a_401(post_request, fmt) -> None:
    resp = post_request(fmt, api_key=None)
    assert resp.status_code == 401
    assert error_codes(resp) == [401]
    assert count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_api_key_is_a_403(post_request, fmt) -> None:
    resp = post_request(fmt, api_key="not-a-key")
    assert resp.status_code == 403
    assert error_codes(resp) == [403]


def test_a_deactivated_client_is_refused(post_request) -> None:
    client = db.session.scalar(select(ApiClient))
    client.active = False
    db.session.commit()
    assert post_request().status_code == 403
    assert count() == 0


def test_only_the_hash_of_the_key_is_stored(api_key) -> None:
    stored = db.session.scalar(select(ApiClient))
    assert api_key not in (stored.key_hash, stored.name)
    assert len(stored.key_hash) == 64


@pytest.fixture
def strict_app(db_url, tmp_path):
    """A second app on the test database with CSRF protection on, as in production."""
    strict = create_app(
        {
            "SECRET_KEY": "csrf-on",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": True,
        }
    )
    yield strict
    with strict.app_context():
        db.engine.dispose()  # psycopg warns about connections left to the garbage collector


def test_post_works_with_csrf_protection_on(strict_app, api_key) -> None:
    """The API authenticates by key, so the CSRF check must not stand in its way."""
    resp = strict_app.test_client().post(
        f"{API}/requests.json",
        data={"api_key": api_key, "service_code": "waste", "lat": "57.05", "long": "9.92"},
    )
    assert resp.status_code == 200, resp.data
    assert count() == 1


# --- invalid input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"service_code": None}, "service_code is required"),
        ({"service_code": "potholes"}, "no service with the code potholes"),
        ({"lat": None, "long": None}, "location is required"),
        ({"lat": "0", "long": "0"}, "not 0,0"),
        ({"lat": "95", "long": "9.9"}, "within range"),
        ({"lat": "57.0", "long": "190"}, "within range"),
        ({"lat": "57.0", "long": None}, "both be given"),
        ({"lat": "north", "long": "9.9"}, "lat must be a number"),
        ({"lat": "nan", "long": "9.9"}, "lat must be a number"),
        ({"long": "1e999"}, "long must be a number"),
        ({"description": "x" * 2001}, "longer than 2000"),
        ({"address_string": "y" * 301, "lat": None, "long": None}, "longer than 300"),
        ({"email": "not-an-address"}, "email address is not valid"),
        ({"attribute[safety]": "9"}, "from 1 to 5"),
        ({"attribute[safety]": "²"}, "from 1 to 5"),
        ({"token": "has spaces"}, "token must be"),
        ({"media_url": "javascript:alert(1)"}, "media_url must be"),
    ],
)
def test_invalid_fields_are_a_400_naming_the_problem(post_request, fields, words) -> None:
    resp = post_request(**fields)
    assert resp.status_code == 400, resp.data
    assert set(error_codes(resp)) == {400}
    assert words in descriptions(resp)
    assert count() == 0


def test_every_problem_is_listed_at_once_in_xml(post_request) -> None:
    resp = post_request("xml", service_code="", lat=None, long=None, description="x" * 3000)
    assert resp.status_code == 400
    assert error_codes(resp) == [400, 400, 400]


def test_description_of_exactly_2000_characters_is_fine(post_request) -> None:
    assert post_request(description="x" * 2000).status_code == 200


def test_control_characters_are_removed_not_stored(post_request) -> None:
    assert post_request(description="Lampe\x00 i\x07 stykker").status_code == 200
    assert only_observation().text == "Lampe i stykker"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_jurisdiction_on_post_is_a_404(post_request, fmt) -> None:
    resp = post_request(fmt, jurisdiction_id="sf.gov")
    assert resp.status_code == 404
    assert error_codes(resp) == [404]


# --- photos --------------------------------------------------------------------------------


def jpeg(width: int = 2400, height: int = 1800) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_an_uploaded_photo_is_processed_and_attached(client, api_key) -> None:
    resp = client.post(
        f"{API}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "vandalism",
            "lat": "57.05",
            "long": "9.92",
            "media": (io.BytesIO(jpeg()), "graffiti.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200, resp.data
    observation = only_observation()
    (photo,) = observation.photos
    assert max(photo.width, photo.height) == 1600


def test_a_file_that_is_not_a_photo_is_a_400(client, api_key) -> None:
    resp = client.post(
        f"{API}/requests.xml",
        data={
            "api_key": api_key,
            "service_code": "vandalism",
            "lat": "57.05",
            "long": "9.92",
            "media": (io.BytesIO(b"%PDF-1.4 not a photo"), "report.pdf"),
        },
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 400
    assert error_codes(resp) == [400]
    assert "report.pdf" in descriptions(resp)
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert count() == 0


def test_a_too_large_body_is_a_413_in_the_spec_format(app, client, api_key, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    resp = client.post(
        f"{API}/requests.xml",
        data={"api_key": api_key, "media": (io.BytesIO(b"x" * 20_000), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413
    assert error_codes(resp) == [413]


def test_media_url_is_acknowledged_but_not_kept(post_request) -> None:
    resp = post_request(media_url="https://photos.example.org/p/123.jpg")
    assert resp.status_code == 200
    assert "media_url" in parse(resp)[0]["service_notice"]
    stored = " ".join(str(v) for v in vars(only_observation()).values())
    assert "photos.example.org" not in stored
