"""The JSON submit endpoint of the offline outbox: idempotent, per-photo refusals, JSON errors."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db

KEY = "outbox-key-0001"


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def fields(**changes):
    data = {
        "category": "lighting",
        "safety": "2",
        "text": "Lampen ved stien er gået.",
        "lat": "57.0693",
        "lon": "9.9089",
        "accuracy_m": "8",
        "location_source": "gps",
        "client_key": KEY,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, walk, photos=(), headers=None, **changes):
    data = fields(**changes)
    data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return client.post(
        f"/w/{walk.join_token}/api/observations",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept": "application/json", **(headers or {})},
    )


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def walk(client, participant, kit):
    kit.english(client)
    return participant


def test_a_resend_of_the_same_key_returns_the_first_result(client, walk) -> None:
    first = submit(client, walk, photos=[(jpeg(), "lampe.jpg")])
    assert first.status_code == 201
    body = first.get_json()
    assert body["created"] is True
    assert body["photos"] == {"accepted": 1, "refused": []}
    assert len(body["tracking_code"]) == 8

    again = submit(client, walk, photos=[(jpeg(), "lampe.jpg")], text="sent twice")
    assert again.status_code == 200
    assert again.get_json() == {**body, "created": False}
    assert count(Observation, Observation.client_key == KEY) == 1
    assert count(Photo) == 1


def test_field_errors_are_400_json_in_the_readers_language(client, walk, new_browser, kit):
    resp = submit(client, walk, category=None, lat="95")
    assert resp.status_code == 400
    errors = resp.get_json()["errors"]
    assert errors["category"] == ["Choose what the observation is about."]
    assert "The position is not valid" in errors["lat"][0]
    assert count(Observation) == 0

    danish_phone = new_browser("da")
    kit.join_walk(danish_phone, walk)
    danish = submit(danish_phone, walk, category=None)
    assert danish.status_code == 400
    assert danish.get_json()["errors"]["category"] == ["Vælg, hvad observationen handler om."]


def test_a_missing_client_key_is_a_field_error(client, walk) -> None:
    resp = submit(client, walk, client_key=None)
    assert resp.status_code == 400
    assert "client_key" in resp.get_json()["errors"]
    assert count(Observation) == 0


def test_a_refused_photo_keeps_the_observation_and_is_named(client, walk) -> None:
    resp = submit(
        client,
        walk,
        photos=[(jpeg(), "good.jpg"), (b"not a photo at all", "notes.jpg"), (b"", "empty.jpg")],
    )
    assert resp.status_code == 201
    photos = resp.get_json()["photos"]
    assert photos["accepted"] == 1
    assert [r["name"] for r in photos["refused"]] == ["notes.jpg", "empty.jpg"]
    assert "notes.jpg" in photos["refused"][0]["message"]
    assert "not a photo we can read" in photos["refused"][0]["message"]
    (obs,) = db.session.scalars(select(Observation)).all()
    assert [p.position for p in obs.photos] == [0]


def test_photos_beyond_the_limit_are_refused_one_by_one(client, walk, app) -> None:
    app.config["MAX_PHOTOS_PER_OBSERVATION"], limit = 2, app.config["MAX_PHOTOS_PER_OBSERVATION"]
    try:
        resp = submit(client, walk, photos=[(jpeg(), f"p{i}.jpg") for i in range(3)])
    finally:
        app.config["MAX_PHOTOS_PER_OBSERVATION"] = limit
    assert resp.status_code == 201
    photos = resp.get_json()["photos"]
    assert photos["accepted"] == 2
    assert [r["name"] for r in photos["refused"]] == ["p2.jpg"]
    assert "at most 2 photos" in photos["refused"][0]["message"]


def test_a_closed_walk_is_409_but_a_resend_still_gets_its_receipt(client, walk) -> None:
    assert submit(client, walk).status_code == 201
    walk.status = "closed"
    db.session.commit()

    assert submit(client, walk).status_code == 200  # sent before closing, answer lost
    resp = submit(client, walk, client_key="outbox-key-0002")
    assert resp.status_code == 409
    assert "This walk is closed" in resp.get_json()["error"]
    assert count(Observation) == 1


def test_a_phone_that_has_not_joined_gets_403_with_the_join_link(new_browser, make_walk) -> None:
    walk = make_walk()
    stranger = new_browser("en")
    resp = submit(stranger, walk)
    assert resp.status_code == 403
    body = resp.get_json()
    assert body["join_url"] == f"/j/{walk.join_token}"
    assert "Join again" in body["error"]
    assert count(Observation) == 0


def test_someone_elses_key_reveals_nothing(client, walk, new_browser, kit) -> None:
    assert submit(client, walk).status_code == 201
    other = new_browser("en")
    kit.join_walk(other, walk)
    resp = submit(other, walk)
    assert resp.status_code == 409
    assert "tracking_code" not in resp.get_json()
    assert count(Observation) == 1


def test_unknown_walk_is_a_json_404(client, walk) -> None:
    resp = client.post(
        "/w/no-such-walk/api/observations",
        data=fields(),
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 404
    assert resp.is_json


def test_csrf_is_enforced_and_the_header_is_accepted(client, walk, monkeypatch) -> None:
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", True)
    missing = submit(client, walk)
    assert missing.status_code == 400
    assert missing.get_json()["csrf"] is True
    assert count(Observation) == 0

    token = client.get(f"/w/{walk.join_token}/api/csrf").get_json()["csrf_token"]
    resp = submit(client, walk, headers={"X-CSRFToken": token})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert count(Observation) == 1


def test_the_csrf_token_endpoint_is_not_cached(client, walk) -> None:
    resp = client.get(f"/w/{walk.join_token}/api/csrf")
    assert resp.headers["Cache-Control"] == "no-store"
    assert client.get("/w/no-such-walk/api/csrf").status_code == 404


# --- The web app shell: service worker and manifest --------------------------------------------


def test_service_worker_is_served_at_the_root_with_its_shell(client) -> None:
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert resp.headers["Cache-Control"] == "no-cache"
    script = resp.get_data(as_text=True)
    shell = json.loads(script.split("var SHELL = ", 1)[1].split(";\n", 1)[0])
    assert "/static/css/app.css" in shell
    assert "/static/js/outbox.js" in shell and "/static/vendor/leaflet/leaflet.js" in shell
    assert "/static/icons/categories/lighting.svg" in shell
    assert not [url for url in shell if "poster" in url or "markercluster" in url]
    assert client.get("/sw.js", headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304


def test_manifest_names_the_app_in_the_readers_language(client) -> None:
    resp = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert resp.mimetype == "application/manifest+json"
    manifest = resp.get_json(force=True)
    assert manifest["name"] == "fieldapp – safety walk"
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    assert manifest["theme_color"] == "#0b5d5b"
    assert [i["sizes"] for i in manifest["icons"]] == ["192x192", "512x512"]
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as png:  # a static file stays open until closed
            assert png.status_code == 200


def test_walk_pages_register_the_service_worker_and_staff_pages_do_not(client, walk) -> None:
    capture = client.get(f"/w/{walk.join_token}/new").get_data(as_text=True)
    assert 'data-sw="/sw.js"' in capture
    assert 'rel="manifest"' in capture
    assert "data-outbox" in capture and "js/outbox-form.js" in capture
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert "data-outbox" in mine and "data-reload-when-sent" in mine
    assert 'data-sw="/sw.js"' not in client.get("/login").get_data(as_text=True)


def test_a_submission_without_photo_makes_no_redundant_query_and_a_resend_still_returns_it(
    client, walk
) -> None:
    """The walk with the participant (one query), the area (this walk has none, so by
    position), the INSERT and the summaries' upserts: no key lookup before the insert (the
    unique key finds a resend), no read-back of the new row for the summaries, no reload of the
    observation or its photos after the commit (bench/submit_cpu.py measures what that costs)."""
    from sqlalchemy import event

    statements: list[str] = []
    first_select: list[str] = []

    def record(conn, cursor, statement, params, context, executemany) -> None:
        verb, _, rest = statement.partition(" ")
        if verb == "INSERT":
            statements.append(f"INSERT {rest.split()[1]}")
        elif verb == "SELECT":
            first_select.append(statement)
            rest = re.sub(r"%\(\w+\)s(::\w+)?", "?", rest)  # PostgreSQL placeholders as SQLite
            statements.append(f"SELECT {rest.split('.', 1)[0]}")

    token = walk.join_token  # loaded now, so the test's own attribute access is not counted
    assert token
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        resp = submit(client, walk, client_key="count-key-001")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert resp.status_code == 201, resp.data
    assert "JOIN participant" in first_select[0]
    assert statements[:3] == [
        "SELECT walk",  # joined with this phone's participant
        "SELECT area",
        "INSERT observation",
    ]
    # The dashboard and map summaries, kept in step in the same transaction: the new row added
    # to its month, walk, hot spot and map cell from the object, without reading it back. In
    # the order their flush listeners were registered, which follows import order: not pinned.
    assert sorted(statements[3:]) == [
        "INSERT cell_month",
        "INSERT map_cell",
        "INSERT observation_month",
        "INSERT walk_month",
    ]
    first = resp.get_json()
    assert first["photos"] == {"accepted": 0, "refused": []}
    again = submit(client, walk, client_key="count-key-001", text="Sendt igen")
    assert again.status_code == 200
    assert again.get_json() == {**first, "created": False}
    assert count(Observation) == 1


def test_a_resend_with_photos_gets_its_receipt_without_processing_them_again(
    client, walk, monkeypatch
) -> None:
    from fieldapp.capture import api_views

    processed: list[str] = []
    real = api_views.process_uploads

    def counting(files, **kwargs):
        processed.extend(f.filename for f in files)
        return real(files, **kwargs)

    monkeypatch.setattr(api_views, "process_uploads", counting)
    first = submit(client, walk, photos=[(jpeg(), "lampe.jpg")])
    assert first.status_code == 201
    again = submit(client, walk, photos=[(jpeg(), "lampe.jpg")])
    assert again.status_code == 200
    assert again.get_json() == {**first.get_json(), "created": False}
    assert processed == ["lampe.jpg"]
    assert count(Photo) == 1


def test_a_resend_gets_its_receipt_even_if_its_fields_are_now_refused(client, walk) -> None:
    """The first copy was saved; what the phone sends again is answered with it, not a 400."""
    first = submit(client, walk)
    assert first.status_code == 201
    again = submit(client, walk, category="no-such-category")
    assert again.status_code == 200
    assert again.get_json() == {**first.get_json(), "created": False}
    other_key = submit(client, walk, category="no-such-category", client_key="outbox-key-0002")
    assert other_key.status_code == 400
    assert count(Observation) == 1


def test_the_phone_is_joined_per_walk(client, walk, make_walk, kit) -> None:
    """The walk and the participant are read in one query: a phone joined to one walk is not
    joined to another, and a participant id of one walk does not count on another."""
    other = make_walk()
    resp = submit(client, other, client_key="outbox-key-0002")
    assert resp.status_code == 403
    assert resp.get_json()["join_url"] == f"/j/{other.join_token}"

    assert kit.join_walk(client, other).status_code == 302
    assert submit(client, walk).status_code == 201
    assert submit(client, other, client_key="outbox-key-0002").status_code == 201
    first, second = db.session.scalars(select(Observation).order_by(Observation.id)).all()
    assert first.walk_id == first.participant.walk_id == walk.id
    assert second.walk_id == second.participant.walk_id == other.id

    with client.session_transaction() as cookie:  # as if signed: the other walk's participant
        cookie["participants"] = {str(other.id): first.participant_id}
    resp = submit(client, other, client_key="outbox-key-0003")
    assert resp.status_code == 403
    assert count(Observation) == 2
