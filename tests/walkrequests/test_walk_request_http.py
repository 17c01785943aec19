"""The public request form, its tracking page, and the coordinators' queue, accept and decline."""

from __future__ import annotations

import re

import pytest
from request_fixtures import KAROLINELUNDEN, form_data, make_midtbyen, outbox, stored_requests

from fieldapp.extensions import db
from fieldapp.walks.models import Walk


@pytest.fixture
def en(client, kit):
    return kit.english(client)


def send(client, **fields):
    return client.post("/request-walk", data=form_data(**fields))


def test_a_resident_asks_without_an_account_and_gets_a_tracking_link(en, app) -> None:
    area = make_midtbyen()
    page = en.get("/request-walk")
    assert page.status_code == 200
    assert "Ask for a safety walk" in page.text

    resp = send(en)
    assert resp.status_code == 302
    (req,) = stored_requests()
    assert resp.headers["Location"] == f"/request-walk/t/{req.token}?sent=1"
    assert len(req.token) >= 22  # token_urlsafe(24): 192 bits
    assert (req.lat, req.lon) == KAROLINELUNDEN
    assert req.area_id == area.id
    assert req.categories == ["lighting", "sightlines"]
    assert (req.season, req.time_of_day, req.locale, req.status) == (
        "winter",
        "evening",
        "en",
        "new",
    )
    assert req.email is None and outbox() == []  # no address, no mail

    receipt = en.get(resp.headers["Location"])
    assert receipt.status_code == 200
    assert "Thank you! Your request is sent." in receipt.text
    assert f"/request-walk/t/{req.token}" in receipt.text
    assert "Received, not answered yet" in receipt.text
    assert 'name="robots" content="noindex' in receipt.text
    assert receipt.headers["Cache-Control"] == "private, no-store"


def test_place_name_alone_is_enough(en) -> None:
    resp = send(en, lat="", lon="", categories=[], season="any", time_of_day="any")
    assert resp.status_code == 302
    (req,) = stored_requests()
    assert req.lat is None and req.lon is None and req.categories == []


def test_the_area_is_found_from_the_place_name_without_a_pin(en) -> None:
    area = make_midtbyen()
    send(en, place_name="Ved Midtbyens pladser", lat="", lon="")
    assert stored_requests()[0].area_id == area.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"place_name": "  "}, "Name the place, street or area."),
        ({"reason": ""}, "Tell us briefly why you ask for a walk."),
        ({"requester_kind": "mayor"}, "Choose one of the options."),
        ({"requester_kind": None}, "Choose who is asking."),
        ({"categories": ["lighting", "ufo"]}, "Choose from the list."),
        ({"season": "monsoon"}, "Choose one of the options."),
        ({"lat": "91", "lon": "9.9"}, "The position is not valid."),
        ({"lat": "57.04", "lon": ""}, "The position is not valid."),
        ({"email": "not-an-address", "email_consent": "y"}, "does not look like an e-mail"),
        ({"email": "beboer@example.dk"}, "Tick the box if we may e-mail you"),
        ({"email_consent": "y"}, "Type your e-mail address"),
        ({"place_name": "x" * 201}, "under 200 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_the_data_kept(en, fields, message) -> None:
    resp = send(en, **fields)
    assert resp.status_code == 400
    assert message in resp.text
    assert "Please check the form" in resp.text
    assert stored_requests() == []
    if "reason" not in fields:
        assert "Stien langs skråningen er helt mørk om aftenen" in resp.text  # data kept


def test_an_unknown_tracking_token_is_a_404(en) -> None:
    assert en.get("/request-walk/t/not-a-token").status_code == 404
    assert en.get("/request-walk/t/" + "x" * 80).status_code == 404


def test_the_form_is_linked_from_the_start_page_and_the_join_pages(en, make_walk) -> None:
    assert 'href="/request-walk"' in en.get("/").text
    walk = make_walk()
    assert 'href="/request-walk"' in en.get(f"/j/{walk.join_token}").text


def test_the_queue_and_details_are_for_coordinators_only(client, auth, new_browser) -> None:
    send(client)
    (req,) = stored_requests()
    anonymous = new_browser("en")
    for url in ("/walk-requests/", f"/walk-requests/{req.id}", "/walk-requests/requests.geojson"):
        assert anonymous.get(url).status_code == 302  # to the log-in page
    auth.login("staff")
    for url in ("/walk-requests/", f"/walk-requests/{req.id}"):
        assert client.get(url).status_code == 403
    assert client.post(f"/walk-requests/{req.id}/accept").status_code == 403
    assert client.post(f"/walk-requests/{req.id}", data={"reason": "x"}).status_code == 403
    assert stored_requests()[0].status == "new"


def test_the_queue_lists_the_oldest_unanswered_first_and_counts_the_overdue(en, auth, app) -> None:
    from datetime import timedelta

    from fieldapp.db import utcnow

    for place, days in (("Arkivpladsen", 3), ("Kildeparken", 20), ("Frederikstorv", 15)):
        send(en, place_name=place)
        req = stored_requests()[-1]
        req.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    auth.login("coordinator")
    page = en.get("/walk-requests/")
    assert page.status_code == 200
    order = [m for m in re.findall(r">(Arkivpladsen|Kildeparken|Frederikstorv)<", page.text)]
    assert order == ["Kildeparken", "Frederikstorv", "Arkivpladsen"]
    overdue = r"more than 14 days</dt><dd><span class=\"tri-overdue\">.*?2</span>"
    assert re.search(overdue, page.text)
    assert 'href="/walk-requests/"' in page.text  # the coordinator nav
    geojson = en.get("/walk-requests/requests.geojson").get_json()
    assert len(geojson["features"]) == 3
    assert geojson["features"][0]["properties"]["url"].startswith("/walk-requests/")


def test_accept_plans_a_walk_from_the_request_and_opens_its_edit_page(en, auth) -> None:
    area = make_midtbyen()
    send(en, organisation="Grundejerforeningen Kastetvej")
    (req,) = stored_requests()
    auth.login("coordinator")
    detail = en.get(f"/walk-requests/{req.id}")
    assert "Accept and plan a walk" in detail.text

    resp = en.post(f"/walk-requests/{req.id}/accept")
    assert resp.status_code == 302
    (walk,) = db.session.query(Walk).all()
    assert resp.headers["Location"] == f"/walks/{walk.id}/edit"
    assert walk.status == "planned"
    assert walk.place_name == "Karolinelunden, Aalborg"
    assert (walk.meeting_lat, walk.meeting_lon) == KAROLINELUNDEN
    assert walk.area_id == area.id
    assert "Stien langs skråningen" in walk.description
    assert "Lighting" in walk.description
    assert walk.organiser == "Grundejerforeningen Kastetvej"
    assert walk.starts_at.astimezone().hour is not None
    req = stored_requests()[0]
    assert (req.status, req.walk_id) == ("accepted", walk.id)
    assert req.answered_by_id is not None

    edit = en.get(resp.headers["Location"])
    assert edit.status_code == 200
    walk_page = en.get(f"/walks/{walk.id}")
    assert "Requested by" in walk_page.text
    assert f'href="/walk-requests/{req.id}"' in walk_page.text

    tracking = en.get(f"/request-walk/t/{req.token}").text
    assert "Accepted: a walk is planned" in tracking
    assert walk.title in tracking

    # Answering twice is refused.
    again = en.post(f"/walk-requests/{req.id}/accept")
    assert again.status_code == 409
    assert "already been answered" in again.text
    assert db.session.query(Walk).count() == 1


def test_a_walk_that_was_held_shows_as_walked(en, auth) -> None:
    send(en)
    (req,) = stored_requests()
    auth.login("coordinator")
    en.post(f"/walk-requests/{req.id}/accept")
    walk = db.session.query(Walk).one()
    walk.status = "closed"
    db.session.commit()
    assert "Walked" in en.get(f"/request-walk/t/{req.token}").text
    assert f"/walk-requests/{req.id}" in en.get("/walk-requests/?status=walked").text
    assert f"/walk-requests/{req.id}" not in en.get("/walk-requests/").text


def test_decline_needs_a_reason_which_the_requester_sees(en, auth) -> None:
    send(en)
    (req,) = stored_requests()
    auth.login("coordinator")
    refused = en.post(f"/walk-requests/{req.id}", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Give a reason: the requester is told why." in refused.text
    assert stored_requests()[0].status == "new"

    reason = "Stedet blev gennemgået i september; rapporten ligger på kommunens hjemmeside."
    resp = en.post(f"/walk-requests/{req.id}", data={"reason": reason})
    assert resp.status_code == 302
    req = stored_requests()[0]
    assert (req.status, req.decline_reason) == ("declined", reason)
    tracking = en.get(f"/request-walk/t/{req.token}").text
    assert "Declined" in tracking and reason in tracking
    assert en.post(f"/walk-requests/{req.id}/accept").status_code == 409


def test_mails_go_to_the_outbox_only_with_consent_in_the_requesters_language(
    client, auth, new_browser
) -> None:
    danish = new_browser("da")
    danish.post("/request-walk", data=form_data(email="beboer@example.dk", email_consent="y"))
    english_browser = new_browser("en")
    english_browser.post("/request-walk", data=form_data(email="not-consented@example.dk"))
    req = stored_requests()[0]
    assert len(stored_requests()) == 1  # the address without consent was refused
    (received,) = outbox()
    assert received.to_addr == "beboer@example.dk"
    assert f"/request-walk/t/{req.token}" in received.body_text
    assert "Tak" in received.body_text  # Danish, the language the request was made in

    auth.login("coordinator")  # the coordinator browses in English
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post(f"/walk-requests/{req.id}/accept")
    accepted = outbox()[-1]
    assert accepted.to_addr == "beboer@example.dk"
    assert "accepteret" in accepted.subject.lower()
    assert accepted.ref == f"walk_request:{req.id}"


def test_the_categories_are_checkboxes_that_keep_their_ticks(en) -> None:
    resp = send(en, place_name="")
    assert resp.status_code == 400
    ticked = re.findall(
        r'<input type="checkbox" name="categories" [^>]*value="(\w+)" checked>', resp.text
    )
    assert ticked == ["lighting", "sightlines"]
    assert resp.text.count('type="checkbox" name="categories"') == 13


def test_the_public_form_needs_a_csrf_token_and_is_rate_limited(app, db_url, tmp_path, kit) -> None:
    """A production-like app (CSRF and Flask-Limiter on); the limiter is a singleton, so it is
    switched off again afterwards, as the test app expects."""
    from fieldapp import create_app
    from fieldapp.extensions import limiter

    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    try:
        browser = limited.test_client()
        without_token = browser.post("/request-walk", data=form_data()).status_code
        token = kit.csrf_token_from(browser.get("/request-walk").text)
        codes = [
            browser.post("/request-walk", data=form_data(csrf_token=token)).status_code
            for _ in range(11)
        ]
    finally:
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()  # psycopg warns about connections left to the garbage collector
    assert without_token == 400
    assert codes == [302] * 10 + [429]
    assert len(stored_requests()) == 10


def test_the_coordinators_start_page_tells_how_many_requests_wait(en, auth) -> None:
    from datetime import timedelta

    from fieldapp.db import utcnow

    auth.login("coordinator")
    assert "waiting for an answer" not in en.get("/walks/").text
    send(en)
    send(en)
    stored_requests()[0].created_at = utcnow() - timedelta(days=15)
    db.session.commit()
    page = en.get("/walks/").text
    assert "2 walk requests are waiting for an answer." in page
    assert "1 of them for more than 14 days." in page
    assert 'href="/walk-requests/?status=new"' in page


SQUARE = (
    '{"type":"Polygon","coordinates":[[[9.9280,57.0460],[9.9300,57.0460],'
    "[9.9300,57.0470],[9.9280,57.0470],[9.9280,57.0460]]]}"
)


def test_an_area_drawn_instead_of_a_pin_finds_its_area_and_shows_on_the_maps(en, auth) -> None:
    area = make_midtbyen()
    resp = send(en, lat="", lon="", outline=SQUARE)
    assert resp.status_code == 302
    (req,) = stored_requests()
    assert req.lat is None and req.area_id == area.id
    assert '"Polygon"' in req.outline
    auth.login("coordinator")
    (feature,) = en.get("/walk-requests/requests.geojson").get_json()["features"]
    assert feature["geometry"]["type"] == "Polygon"
    detail = en.get(f"/walk-requests/{req.id}").text
    assert "data-request-map" in detail and "The requester drew the area on the map." in detail
    en.post(f"/walk-requests/{req.id}/accept")
    walk = db.session.query(Walk).one()
    assert walk.area_id == area.id and walk.meeting_lat is None


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ("not json", "This is not valid JSON"),
        ('{"type":"Point","coordinates":[9.9,57.0]}', "Polygon"),
        ("[" * 20001, "too detailed"),
    ],
)
def test_a_bad_outline_is_refused_and_kept(en, outline, message) -> None:
    resp = send(en, outline=outline)
    assert resp.status_code == 400
    assert message in resp.text
    assert stored_requests() == []
