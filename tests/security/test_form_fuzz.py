"""Issue 6: no input to any form gives a 500, and typed markup never comes back unescaped.

Every state-changing route of the URL map is fuzzed with hypothesis, as the visitor who uses
it (an admin, a participant of the running walk, a phone at the planned meeting, or a stranger
for log-in and joining). The fields are those the route's own page offers (with the values of
its selects and radios, so valid and invalid mixes both occur), plus any field name of any form
in the app: unicode, control characters and NUL, huge strings, numbers out of range, bad dates,
XSS payloads and random bytes as files.
"""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm
from hypothesis import event, given, settings
from hypothesis import strategies as st
from security_site import (
    FUZZ_PROFILE,
    RAW_MARKUP,
    XSS_PAYLOADS,
    form_fields,
    route_url,
)
from security_site import fixture_site as site  # noqa: F401  (the fixture, by name)

import fieldapp
from fieldapp import create_app

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Open311 has its own fuzzers (tests/open311/test_open311_fuzz.py and test_api_fuzz.py here).
SKIP_BLUEPRINTS = {"open311"}
FILE_FIELDS = {"upload", "photos"}


def _all_form_field_names() -> list[str]:
    for module in pkgutil.walk_packages(fieldapp.__path__, "fieldapp."):
        if module.name.endswith("forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = set()
    for form in subclasses(FlaskForm):
        names.update(n for n in dir(form) if hasattr(getattr(form, n, None), "field_class"))
    return sorted(names)


def _routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in SKIP_BLUEPRINTS or rule.endpoint == "auth.logout":
            continue
        if rule.methods & STATE_CHANGING:
            found.append(rule)

    def order(rule):
        # Visitors' pages first (an admin closing the walk would shut them), deletions last.
        destructive = any(w in rule.endpoint for w in ("delete", "remove", "status", "merge"))
        visitor = rule.endpoint.split(".")[0] in ("join", "capture", "capture_api", "meeting_join")
        return (destructive, not visitor, rule.rule)

    return sorted(found, key=order)


ROUTES = _routes()
FIELD_NAMES = _all_form_field_names()

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
NASTY = st.sampled_from(
    [
        *XSS_PAYLOADS,
        "\x00",
        "a\x00b",
        "\r\n\t",
        " ",
        "' OR 1=1 --",
        "{{7*7}}",
        "%s%n",
        "\u202eevil",
        "𝕏" * 40,
        "-1",
        "0",
        "1",
        "2",
        "99999999999999999999999",
        "1e309",
        "-1e309",
        "NaN",
        "inf",
        "57,05",
        "2026-02-30",
        "2026-13-01T25:61",
        "0000-00-00",
        "31/12/2026",
        "9999-12-31T23:59",
        "2026-12-01T17:30",
        "2026-12-01",
        "https://evil.example/",
        "//evil.example",
        "lighting",
        "resident",
        "closed",
        "admin",
    ]
)
# One huge value per request at most: bodies over 500 KB make Werkzeug's test client spool to a
# temporary file that it never closes (a ResourceWarning, an error here), not our code.
HUGE = st.sampled_from(["Æ" * 20_000, "x" * 300_000, "1" * 5_000])
SCALAR = st.one_of(
    NASTY,
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)


@st.composite
def form_data(draw, fields: dict[str, list[str]]):
    """Some of the page's fields (valid choices half the time) and some names from elsewhere."""
    names = list(fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    chosen += draw(st.lists(st.sampled_from(FIELD_NAMES), unique=True, max_size=3))
    data = {}
    huge_used = False
    for name in chosen:
        options = [o for o in fields.get(name, []) if o]
        if name in FILE_FIELDS and draw(st.booleans()):
            data[name] = (io.BytesIO(draw(st.binary(max_size=3000))), draw(TEXT) or "x.jpg")
        elif options and draw(st.booleans()):
            data[name] = draw(st.sampled_from(options))
        elif not huge_used and draw(st.integers(0, 7)) == 0:
            data[name] = draw(HUGE)
            huge_used = True
        elif draw(st.integers(0, 9)) == 0:
            data[name] = draw(st.lists(SCALAR, min_size=2, max_size=3))  # a repeated field
        else:
            data[name] = draw(SCALAR)
    return data


def _visitor(site, rule):  # noqa: F811  (site is the fixture's value)
    blueprint = rule.endpoint.split(".")[0]
    if rule.endpoint in ("join.join", "meeting_join.join") or blueprint == "auth":
        return site.admin.application.test_client()  # a stranger with a new browser
    if blueprint in ("capture", "capture_api", "join"):
        return site.participant
    if blueprint == "meeting_join":
        return site.meeting_phone
    return site.admin


@pytest.mark.parametrize("rule", ROUTES, ids=lambda r: f"{r.rule} {r.endpoint}")
def test_no_form_input_gives_a_server_error(site, rule) -> None:  # noqa: F811
    url = route_url(rule, site.ids)
    fields: dict[str, list[str]] = {}
    if "GET" in rule.methods:
        page = _visitor(site, rule).get(url)
        assert page.status_code < 500, (url, page.status_code)
        fields = form_fields(page.get_data(as_text=True))

    @settings(settings.get_profile(FUZZ_PROFILE))
    @given(data=form_data(fields), lang=st.sampled_from(["da", "en"]))
    def post_anything(data, lang):
        client = _visitor(site, rule)
        resp = client.post(url, data=data, headers={"Accept-Language": lang})
        event(f"status {resp.status_code}")
        assert resp.status_code < 500, (url, data, resp.status_code)
        if resp.mimetype == "text/html":
            body = resp.get_data(as_text=True)
            for raw in RAW_MARKUP:
                assert raw not in body, (url, raw)

    post_anything()


def test_every_form_route_is_fuzzed() -> None:
    endpoints = {r.endpoint for r in ROUTES}
    for expected in ("capture.new", "orgs.users.create", "walks.create", "stats.new_criterion"):
        assert expected in endpoints
    assert len(ROUTES) >= 45
    assert "text" in FIELD_NAMES and "geojson" in FIELD_NAMES
