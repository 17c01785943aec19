"""Issue 6: the Open311 API's edges that its own fuzzers (tests/open311) draw rarely.

Every GET and POST endpoint, in both formats, with malformed coordinates, huge strings, NUL
and other control characters, bad dates, bad jurisdictions, repeated parameters and wrong
content types: the answer is always a 2xx or a 4xx in the spec's format, never a 500, and text
that was stored comes back escaped in XML.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_site import FUZZ_PROFILE, XSS_PAYLOADS

from fieldapp.extensions import db
from fieldapp.open311.services import create_api_client

API = "/open311/v2"


@pytest.fixture
def api_key(app) -> str:
    _client, key = create_api_client(db.session, "Fuzzer")
    db.session.commit()
    return key


def error_codes(resp) -> list[int]:
    """The spec's error list in either format (its exact shape is tests/open311's business)."""
    if resp.mimetype == "text/xml":
        root = ET.fromstring(resp.data)  # noqa: S314 (our own response, in a test)
        assert root.tag == "errors", resp.data[:200]
        return [int(e.findtext("code")) for e in root]
    assert resp.mimetype == "application/json", resp.mimetype
    return [e["code"] for e in json.loads(resp.data)]


EDGE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "57.05\x00",
        "NaN",
        "-inf",
        "1e400",
        "91",
        "-181",
        "57,05",
        "0x39",
        "٥٧.٠٥",  # Arabic-Indic digits: float() accepts them
        "2026-02-30T10:00:00Z",
        "2026-13-45",
        "not-a-date",
        "9999-12-31T23:59:59+99:00",
        "aalborg.dk\x00",
        "../../etc/passwd",
        "x" * 300_000,
        "Æ" * 10_000,
        *XSS_PAYLOADS,
    ]
)
VALUE = st.one_of(EDGE, st.text(st.characters(exclude_categories=("Cs",)), max_size=50))
GET_PARAMS = [
    "jurisdiction_id",
    "service_code",
    "service_request_id",
    "status",
    "start_date",
    "end_date",
    "lat",
    "long",
    "locale",
]
POST_FIELDS = [
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "email",
    "media_url",
    "attribute[safety]",
    "first_name",
]
FUZZ = settings(
    settings.get_profile(FUZZ_PROFILE),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_spec_answer(resp) -> None:
    assert resp.status_code < 500, resp.data[:300]
    if resp.status_code >= 400:
        assert error_codes(resp)


@FUZZ
@given(
    path=st.sampled_from(
        ["services", "services/lighting", "requests", "requests/1", "tokens/abc", "discovery"]
    ),
    fmt=st.sampled_from(["json", "xml", "csv", ""]),
    query=st.dictionaries(st.sampled_from(GET_PARAMS), VALUE, max_size=4),
)
def test_every_get_endpoint_answers_in_the_spec_format(client, path, fmt, query) -> None:
    resp = client.get(f"{API}/{path}.{fmt}" if fmt else f"{API}/{path}", query_string=query)
    assert resp.status_code < 500, resp.data[:300]


@FUZZ
@given(
    data=st.dictionaries(st.sampled_from(POST_FIELDS), VALUE, max_size=6),
    fmt=st.sampled_from(["json", "xml"]),
    as_json=st.booleans(),
)
def test_every_post_answers_in_the_spec_format(client, api_key, data, fmt, as_json) -> None:
    base = {"service_code": "lighting", "lat": "57.05", "long": "9.92", "api_key": api_key}
    body = base | data
    if as_json:  # a client sending JSON where the spec says form-encoded
        resp = client.post(
            f"{API}/requests.{fmt}", data=json.dumps(body), content_type="application/json"
        )
    else:
        resp = client.post(f"{API}/requests.{fmt}", data=body)
    _assert_spec_answer(resp)


def test_stored_markup_comes_back_as_text(client, api_key) -> None:
    payload = XSS_PAYLOADS[1]
    resp = client.post(
        f"{API}/requests.json",
        data={"service_code": "lighting", "lat": "57.05", "long": "9.92", "api_key": api_key}
        | {"description": payload},
    )
    assert resp.status_code in (200, 201), resp.data
    xml = client.get(f"{API}/requests.xml")
    assert payload.encode() not in xml.data  # escaped in the XML ...
    root = ET.fromstring(xml.data)  # noqa: S314 (our own response, in a test)
    assert payload in [e.text for e in root.iter("description")]  # ... and read back intact
    assert xml.headers["X-Content-Type-Options"] == "nosniff"
