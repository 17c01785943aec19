"""The capture form without JavaScript when the photo bucket cannot be reached: a 503 that
keeps everything typed in the form, asks for the photos again, and saves nothing; sending
again once the bucket is back saves the observation once."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db

TEXT = "Lyset i tunnelen under banen er gået & det drypper"
MESSAGE = "The photos could not be saved right now, so nothing is saved yet."


@pytest.fixture
def walk(client, participant, kit):
    kit.english(client)
    return participant


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def typed(**fields) -> dict:
    """Everything a participant can enter on the form, and a photo."""
    return {
        "category": "lighting",
        "safety": "2",
        "severity": "3",
        "text": TEXT,
        "lat": "57.0693",
        "lon": "9.9089",
        "accuracy_m": "12.5",
        "location_source": "gps",
        "reporter_email": "beboer@example.dk",
        "email_consent": "y",
        "client_key": "bucket-down-form-1",
        "photos": [(io.BytesIO(jpeg()), "IMG_0001.JPG")],
        **fields,
    }


def counts() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(Observation)),
        db.session.scalar(select(func.count()).select_from(Photo)),
    )


def checked(html: str, name: str) -> str | None:
    """The value of the checked radio button `name`."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def value(html: str, name: str) -> str | None:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else None
    return None


def assert_kept(resp, fields: dict) -> str:
    """A 503 with Retry-After, the message at the top and every typed field filled in."""
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "60"
    html = resp.get_data(as_text=True)
    main = html.index('<main id="main"')
    assert main < html.index(MESSAGE) < html.index("data-capture-form")
    assert f"\n{fields['text'].replace('&', '&amp;')}</textarea>" in html
    assert checked(html, "category") == fields["category"]
    assert checked(html, "safety") == fields["safety"]
    assert checked(html, "severity") == fields["severity"]
    for name in ("lat", "lon", "accuracy_m", "location_source"):
        assert value(html, name) == fields[name], name
    assert "Choose your photos again: IMG_0001.JPG." in html
    return html


def test_the_form_keeps_what_was_typed_when_the_bucket_is_down(
    client, walk, bucket_down, app
) -> None:
    resp = client.post(
        f"/w/{walk.join_token}/new", data=typed(), content_type="multipart/form-data"
    )
    html = assert_kept(resp, typed())
    assert value(html, "reporter_email") == "beboer@example.dk"
    assert checked(html, "email_consent") == "y"
    assert value(html, "client_key") == "bucket-down-form-1"  # a retry cannot duplicate it
    assert counts() == (0, 0)

    # The bucket is back: sending the kept form again saves the observation, once.
    app.extensions.pop("fieldapp_storage")
    for _attempt in range(2):
        resp = client.post(
            f"/w/{walk.join_token}/new", data=typed(), content_type="multipart/form-data"
        )
        assert resp.status_code == 302, resp.status_code
    assert counts() == (1, 1)
    observation = db.session.scalars(select(Observation)).one()
    assert (observation.text, observation.reporter_email) == (TEXT, "beboer@example.dk")


def test_an_edit_with_a_new_photo_keeps_the_changes_when_the_bucket_is_down(
    client, walk, bucket_down
) -> None:
    # Without photos nothing asks the bucket.
    first = typed(photos=[], client_key="bucket-down-edit-1")
    resp = client.post(f"/w/{walk.join_token}/new", data=first, content_type="multipart/form-data")
    assert resp.status_code == 302
    observation = db.session.scalars(select(Observation)).one()

    changed = typed(category="vegetation", safety="4", severity="1", text="Buskene & hækken")
    resp = client.post(
        f"/w/{walk.join_token}/o/{observation.id}/edit",
        data=changed,
        content_type="multipart/form-data",
    )
    assert "Save changes" in assert_kept(resp, changed)
    assert counts() == (1, 0)
    observation = db.session.get(Observation, observation.id)
    assert (observation.category, observation.text, observation.safety) == ("lighting", TEXT, 2)
