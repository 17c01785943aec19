"""Issue 6: every state-changing route refuses a request without a CSRF token.

The routes come from the app's URL map, so a route added later is covered without editing
this file. Only the Open311 API is exempt: its clients authenticate with an api_key and send
no cookies.
"""

from __future__ import annotations

import pytest

from fieldapp import create_app

EXPIRED = "The form expired or was sent twice"
# Open311 GeoReport v2: a machine API with api_key, no session cookie, so no CSRF token.
EXEMPT_BLUEPRINTS = {"open311"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_ARGS = {"int": "1", "default": "sometoken", "path": "x", "fmt": "json"}


def _sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        if name not in rule._converters:  # a default, not a part of the path
            continue
        converter = type(rule._converters[name]).__name__  # IntegerConverter, UnicodeConverter
        kind = "int" if "Integer" in converter else "path" if "Path" in converter else "default"
        values[name] = SAMPLE_ARGS["fmt"] if name == "fmt" else SAMPLE_ARGS[kind]
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<{name}>", value)
        for prefix in ("int:", "path:", "string:"):
            url = url.replace(f"<{prefix}{name}>", value)
    return url


def _state_changing_routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in EXEMPT_BLUEPRINTS:
            continue
        for method in sorted(rule.methods & STATE_CHANGING):
            found.append(pytest.param(method, _sample_url(rule), id=f"{method} {rule.rule}"))
    return found


ROUTES = _state_changing_routes()


def test_the_route_list_is_not_empty() -> None:
    assert len(ROUTES) >= 40, len(ROUTES)


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_a_post_without_a_csrf_token_is_refused(csrf_on, client, auth, kit, method, url) -> None:
    kit.english(client)
    kit.make_user("admin")
    page = client.get("/login").get_data(as_text=True)
    token = kit.csrf_token_from(page)
    resp = client.post(
        "/login", data={"email": "admin@example.dk", "password": kit.PASSWORDS["admin"]}
    )
    assert resp.status_code == 400  # even logging in needs the token
    assert (
        client.post(
            "/login",
            data={
                "email": "admin@example.dk",
                "password": kit.PASSWORDS["admin"],
                "csrf_token": token,
            },
        ).status_code
        == 302
    )

    resp = client.open(url, method=method, data={"text": "x", "title": "x"})
    assert resp.status_code == 400, (url, resp.status_code)
    assert EXPIRED in resp.get_data(as_text=True)

    # The same request with the session's token gets past the check (whatever the view says).
    resp = client.open(url, method=method, data={"csrf_token": token})
    assert EXPIRED not in resp.get_data(as_text=True), url


def test_a_json_submit_with_a_token_in_the_header_passes(csrf_on, client, make_walk, kit) -> None:
    walk = make_walk()
    kit.join_walk(client, walk)
    url = f"/w/{walk.join_token}/api/observations"
    refused = client.post(url, data={"category": "lighting"})
    assert refused.status_code == 400 and refused.get_json()["csrf"] is True
    token = client.get(f"/w/{walk.join_token}/api/csrf").get_json()["csrf_token"]
    resp = client.post(url, data={"category": "lighting"}, headers={"X-CSRFToken": token})
    assert resp.status_code != 400 or not resp.get_json().get("csrf")
