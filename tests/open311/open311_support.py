"""Open311 test support: an API client's key, and helpers to call the API in either format.

Not a conftest.py: test modules elsewhere import the root one as `conftest`, and a second
conftest here would take its place. Test modules import the fixture_* functions they use.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from fieldapp.extensions import db
from fieldapp.open311.services import create_api_client

API = "/open311/v2"
# Somewhere in Aalborg Øst.
LAT, LON = 57.0335, 9.9766


@pytest.fixture(name="api_key")
def fixture_api_key(app) -> str:
    _client, key = create_api_client(db.session, "Borgerapp")
    db.session.commit()
    return key


def parse(resp):
    """The body as Python data (JSON) or as an ElementTree root (XML), checking the type."""
    if resp.mimetype == "text/xml":
        assert resp.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        return ET.fromstring(resp.data)  # noqa: S314 (our own response, in a test)
    assert resp.mimetype == "application/json", resp.mimetype
    return json.loads(resp.data)


def children(element) -> list[str]:
    return [child.tag for child in element]


def error_codes(resp) -> list[int]:
    """The spec's error list, in either format; asserts its shape on the way."""
    body = parse(resp)
    if isinstance(body, list):
        assert body and all(set(e) == {"code", "description"} for e in body), body
        assert all(e["description"] for e in body)
        return [e["code"] for e in body]
    assert body.tag == "errors"
    assert all(children(e) == ["code", "description"] for e in body)
    assert all(e.findtext("description") for e in body)
    return [int(e.findtext("code")) for e in body]


def descriptions(resp) -> str:
    body = parse(resp)
    if isinstance(body, list):
        return " | ".join(e["description"] for e in body)
    return " | ".join(e.findtext("description") for e in body)


@pytest.fixture(name="post_request")
def fixture_post_request(client, api_key):
    """POST requests.<fmt> with sensible defaults; keyword arguments override or add fields."""

    def send(fmt: str = "json", **fields):
        data = {
            "api_key": api_key,
            "service_code": "lighting",
            "lat": str(LAT),
            "long": str(LON),
            "description": "Lampen ved stien er gået i stykker.",
        }
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        return client.post(f"{API}/requests.{fmt}", data=data, headers={"Accept-Language": "en"})

    return send
