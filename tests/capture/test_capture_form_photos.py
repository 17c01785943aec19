"""Photos sent with the capture form: refused files, the limit on their number and size, and
the empty part an unused camera input sends."""

from __future__ import annotations

import io

from capture_support import (  # noqa: F401 (fixtures)
    field_errors,
    fixture_walk,
    form,
    jpeg,
    observations,
    send,
)
from sqlalchemy import func, select

from fieldapp.capture.models import Photo
from fieldapp.extensions import db


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
