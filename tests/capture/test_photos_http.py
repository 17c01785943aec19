"""Photos through the app: stripped and shrunk on upload, shown only to who may see them."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db


def phone_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A JPEG as a phone writes it: EXIF with make, model and the GPS position of a home."""
    im = Image.new("RGB", (width, height), (40, 120, 200))
    im.paste((230, 200, 30), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Model] = "Secret Model 9"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)  # 0x8825
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (57.0, 4.0, 9.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 54.0, 32.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=90)
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "test photo lacks GPS"
    return data


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of a few KB that would be width*height pixels once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row * 100) for _ in range(height // 100)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(client, walk, files: list[tuple[bytes, str]], text: str = "Graffiti på gavlen"):
    data = {
        "category": "vandalism",
        "text": text,
        "photos": [(io.BytesIO(content), name) for content, name in files],
    }
    # A large body is spooled to a temporary file that the test client never closes.
    environ = EnvironBuilder(
        path=f"/w/{walk.join_token}/new",
        method="POST",
        data=data,
        content_type="multipart/form-data",
    ).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def fetch(client, url: str):
    """GET and close: a photo is streamed from its file, which stays open until closed."""
    with client.get(url) as resp:
        resp.get_data()
        return resp


def stored_photo() -> Photo:
    db.session.rollback()
    (photo,) = db.session.scalars(select(Photo))
    return photo


@pytest.fixture
def walk(client, participant, kit):
    kit.english(client)
    return participant


@pytest.fixture
def photo(client, walk) -> Photo:
    resp = upload(client, walk, [(phone_photo(), "IMG_0001.JPG")])
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return stored_photo()


def test_served_photo_has_no_exif_and_is_shrunk(client, photo) -> None:
    assert (photo.width, photo.height) == (1600, 1200)
    web = fetch(client, f"/photos/{photo.id}/web.jpg")
    assert web.status_code == 200
    assert web.mimetype == "image/jpeg"
    im = Image.open(io.BytesIO(web.data))
    assert im.format == "JPEG"
    assert im.size == (1600, 1200)
    assert not im.getexif()
    assert "exif" not in im.info
    for secret in (b"TestPhone", b"Secret Model", b"Exif"):
        assert secret not in web.data

    thumb = fetch(client, f"/photos/{photo.id}/thumb.jpg")
    assert thumb.status_code == 200
    small = Image.open(io.BytesIO(thumb.data))
    assert max(small.size) <= 320
    assert small.size == (photo.thumb_width, photo.thumb_height)
    assert not small.getexif()


def test_photo_headers(client, photo) -> None:
    resp = fetch(client, f"/photos/{photo.id}/web.jpg")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"].startswith("private")
    assert resp.headers["Content-Disposition"] == "inline"


def test_photo_is_listed_with_its_thumbnail(client, walk, photo) -> None:
    html = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert f"/photos/{photo.id}/thumb.jpg" in html
    assert f"/photos/{photo.id}/web.jpg" in html


def test_who_may_see_a_photo(client, walk, photo, new_browser, kit) -> None:
    urls = [f"/photos/{photo.id}/web.jpg", f"/photos/{photo.id}/thumb.jpg"]
    anonymous = new_browser()
    other = new_browser()
    assert kit.join_walk(other, walk, role="police").status_code == 302
    staff = new_browser()
    assert kit.AuthActions(staff).login("staff").status_code == 302
    coordinator = new_browser()
    assert kit.AuthActions(coordinator).login("coordinator").status_code == 302

    for url in urls:
        assert fetch(anonymous, url).status_code == 404
        assert fetch(other, url).status_code == 404
        assert fetch(staff, url).status_code == 404
        assert fetch(client, url).status_code == 200
        assert fetch(coordinator, url).status_code == 200
    assert fetch(client, f"/photos/{photo.id + 1000}/web.jpg").status_code == 404
    assert fetch(client, f"/photos/{photo.id}/original.jpg").status_code == 404


def test_deleting_the_observation_removes_access(client, walk, photo) -> None:
    obs_id = photo.observation_id
    assert client.post(f"/w/{walk.join_token}/o/{obs_id}/delete").status_code == 302
    assert fetch(client, f"/photos/{photo.id}/web.jpg").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_owner_can_remove_a_photo_while_editing(client, walk, photo) -> None:
    url = f"/w/{walk.join_token}/o/{photo.observation_id}/photos/{photo.id}/delete"
    resp = client.post(url)
    assert resp.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1


def test_adding_photos_when_editing_respects_the_limit(client, walk, photo, app) -> None:
    limit = app.config["MAX_PHOTOS_PER_OBSERVATION"]
    small = phone_photo(40, 30)
    url = f"/w/{walk.join_token}/o/{photo.observation_id}/edit"
    data = {
        "category": "vandalism",
        "text": "flere billeder",
        "photos": [(io.BytesIO(small), f"{i}.jpg") for i in range(limit)],
    }
    resp = client.post(url, data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert f"at most {limit} photos" in resp.get_data(as_text=True)
    data["photos"] = [(io.BytesIO(small), "ny.jpg")]
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302
    db.session.rollback()
    positions = db.session.scalars(select(Photo.position).order_by(Photo.position)).all()
    assert positions == [0, 1]


def test_decompression_bomb_is_refused_with_a_clear_message(client, walk) -> None:
    bomb = png_bomb()
    assert len(bomb) < 200_000
    resp = upload(client, walk, [(bomb, "kort.png")], text="Kort over området")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "The photo kort.png was not added" in html
    assert "too many pixels" in html
    assert "Kort over området" in html
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_a_file_of_another_type_is_refused(client, walk) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buf, "GIF")
    resp = upload(client, walk, [(buf.getvalue(), "anim.gif")])
    assert resp.status_code == 400
    assert "The photo anim.gif was not added" in resp.get_data(as_text=True)


def test_a_photo_over_the_per_photo_limit_is_refused_with_the_limit(client, walk, app) -> None:
    limit = app.config["MAX_PHOTO_BYTES"]
    app.config["MAX_PHOTO_BYTES"] = 1024 * 1024
    try:
        big = phone_photo(4000, 3000) + b"\0" * (1024 * 1024)
        resp = upload(client, walk, [(big, "stor.jpg")])
    finally:
        app.config["MAX_PHOTO_BYTES"] = limit
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "The photo stor.jpg was not added: the file is larger than 1 MB." in html
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_without_the_phone_script_the_form_names_the_photos_to_choose_again(client, walk) -> None:
    """A browser without JavaScript posts the form itself; the page that comes back cannot
    refill its file input, so it says which photos to choose again, whatever the error."""
    data = {"category": "", "text": "Graffiti på gavlen", "safety": "2"}
    data["photos"] = [(io.BytesIO(phone_photo()), "IMG_0002.JPG")]
    resp = client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Choose your photos again after correcting the form: IMG_0002.JPG." in html
    assert "Graffiti på gavlen" in html

    gif = io.BytesIO()
    Image.new("RGB", (20, 20)).save(gif, "GIF")
    files = [(gif.getvalue(), "anim.gif"), (phone_photo(), "IMG_0003.JPG")]
    html = upload(client, walk, files).get_data(as_text=True)
    assert "The photo anim.gif was not added" in html
    assert "Choose your photos again after correcting the form: anim.gif, IMG_0003.JPG." in html

    html = client.get(f"/w/{walk.join_token}/new").get_data(as_text=True)
    assert "Choose your photos again" not in html
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
