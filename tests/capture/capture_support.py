"""What the capture tests share: a joined participant's phone (walk), another phone on the same
walk (police), a coordinator, and the form a phone sends. Imported by name, as tests/conftest.py
only holds the fixtures every folder uses (as open311_support): test modules import the
fixture_* functions they use."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from fieldapp.capture.models import Observation
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


@pytest.fixture(name="walk")
def fixture_walk(client, participant, kit):
    """A running walk that `client` joined as a resident, messages in English."""
    kit.english(client)
    return participant


@pytest.fixture(name="police")
def fixture_police(new_browser, walk, kit):
    """Another phone on the same walk: a police officer who gave a name."""
    browser = new_browser("en")
    assert kit.join_walk(browser, walk, role="police", display_name="Nærbetjent").status_code == 302
    return browser


@pytest.fixture(name="coordinator")
def fixture_coordinator(new_browser, kit):
    browser = new_browser("en")
    assert kit.AuthActions(browser).login("coordinator").status_code == 302
    return browser
