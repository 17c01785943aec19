"""Issue 6: security headers on every response and secure session cookies behind HTTPS."""

from __future__ import annotations

import pytest

from fieldapp import create_app
from fieldapp.config import from_environment
from fieldapp.security import tile_sources


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/walks/", "/static/css/app.css", "/open311/v2/services.json", "/no-such-page"],
)
def test_every_response_carries_the_security_headers(client, path) -> None:
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["img-src"] == "'self' data: blob: https://tile.openstreetmap.org"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in resp.headers["Permissions-Policy"]
    assert "camera=(self)" in resp.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in resp.headers  # tests run over plain http


def test_pages_reached_by_a_secret_link_send_no_referrer(client, make_walk) -> None:
    walk = make_walk()
    for path in (f"/j/{walk.join_token}", "/t/ABCD1234", "/t?code=ABCD1234"):
        assert client.get(path).headers["Referrer-Policy"] == "no-referrer", path


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.dk/{z}/{x}/{y}.png", "https://*.tiles.example.dk"),
        ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
    ],
)
def test_the_configured_tile_host_is_allowed_for_images(template, source) -> None:
    assert tile_sources(template) == [source]
    app = create_app({"MAP_TILE_URL": template, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    csp = app.test_client().get("/static/css/app.css").headers["Content-Security-Policy"]
    assert f"img-src 'self' data: blob: {source};" in csp


def test_https_config_turns_on_secure_cookies_and_hsts(client, kit, monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS", "1")
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False}
    )
    resp = app.test_client().get("/login", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_default_is_plain_http(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("HTTPS", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["REMEMBER_COOKIE_SECURE"] is False


def test_the_docker_image_says_https(monkeypatch, tmp_path) -> None:
    # The Dockerfile (the production config) sets SESSION_COOKIE_SECURE=1, the older name.
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert from_environment(tmp_path)["HTTPS"] is True


def test_session_and_remember_cookies_are_httponly_and_lax(client, kit) -> None:
    kit.make_user("coordinator")
    resp = client.post(
        "/login",
        data={
            "email": "coordinator@example.dk",
            "password": kit.PASSWORDS["coordinator"],
            "remember": "y",
        },
    )
    assert resp.status_code == 302
    cookies = resp.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # dev/test: plain http


def test_more_image_hosts_can_be_allowed(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CSP_EXTRA_IMG_SRC", "https://kort.aalborg.dk https://*.dataforsyningen.dk")
    settings = from_environment(tmp_path)
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    csp = app.test_client().get("/static/css/app.css").headers["Content-Security-Policy"]
    assert "https://kort.aalborg.dk https://*.dataforsyningen.dk;" in csp


def test_only_a_changed_session_is_sent_back(client, participant) -> None:
    """A response re-sends the session cookie only when the request changed the session.

    A phone's service worker fetches the static files while the participant joins; if each of
    those answers re-sent the (permanent) session it started with, the last one to finish
    overwrote the cookie that the join had just set, and the phone was back on the join page.
    """
    walk = participant
    client.get("/")  # the first page that shows a form puts the CSRF token in the session
    assert "Set-Cookie" not in client.get("/static/css/app.css").headers
    assert "Set-Cookie" not in client.get(f"/w/{walk.join_token}/new").headers
    assert "Set-Cookie" not in client.get("/").headers
    # Changing the session still sends it.
    resp = client.post("/language", data={"lang": "en", "next": "/"})
    assert resp.status_code == 302 and "session=" in resp.headers["Set-Cookie"]
