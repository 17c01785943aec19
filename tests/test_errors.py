"""Errors are pages in the site's layout for people, JSON for API clients; CSRF is enforced."""

from __future__ import annotations

import pytest

from fieldapp import create_app
from fieldapp.extensions import db


def test_unknown_url_is_a_404_page_in_the_site_layout(client) -> None:
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<html lang="da">' in html  # Danish unless the browser asks otherwise
    assert 'class="site-header"' in html
    assert 'href="/"' in html  # a way back to the front page
    assert "404" in html


def test_404_follows_the_browser_language(client) -> None:
    resp = client.get("/no/such/page", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Not found" in html


def test_api_clients_get_json(client) -> None:
    resp = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["status"] == 404
    assert body["error"] and body["message"]


def test_a_browser_accepting_anything_gets_html(client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/no/such/page", headers={"Accept": accept})
    assert resp.mimetype == "text/html"


def test_405_uses_the_same_page(client) -> None:
    resp = client.get("/logout")
    assert resp.status_code == 405
    assert 'class="site-header"' in resp.get_data(as_text=True)


def test_healthz(client) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


@pytest.fixture
def csrf_app(app, db_url, tmp_path):
    """The app as deployed: CSRF on, on the same database as the `app` fixture."""
    protected = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
        }
    )
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def credentials(kit) -> dict[str, str]:
    kit.make_user("coordinator")
    return {"email": "coordinator@example.dk", "password": kit.PASSWORDS["coordinator"]}


def test_csrf_login_needs_the_token_from_the_page(csrf_app, credentials, kit) -> None:
    browser = csrf_app.test_client()

    resp = browser.post("/login", data=credentials)
    assert resp.status_code == 400
    assert 'class="site-header"' in resp.get_data(as_text=True)
    assert browser.get("/walks/").status_code == 302  # not logged in

    resp = browser.post("/login", data=credentials | {"csrf_token": "forged"})
    assert resp.status_code == 400

    token = kit.csrf_token_from(browser.get("/login").get_data(as_text=True))
    resp = browser.post("/login", data=credentials | {"csrf_token": token})
    assert resp.status_code == 302
    assert browser.get("/walks/").status_code == 200


def test_csrf_protects_one_button_forms_too(csrf_app, credentials, kit) -> None:
    browser = csrf_app.test_client()
    token = kit.csrf_token_from(browser.get("/login").get_data(as_text=True))
    assert browser.post("/login", data=credentials | {"csrf_token": token}).status_code == 302
    assert browser.post("/logout").status_code == 400
    assert browser.get("/walks/").status_code == 200  # still logged in
    token = kit.csrf_token_from(browser.get("/walks/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    assert browser.get("/walks/").status_code == 302


def test_csrf_token_from_one_browser_does_not_work_in_another(csrf_app, make_walk, kit) -> None:
    walk = make_walk()
    first, second = csrf_app.test_client(), csrf_app.test_client()
    token = kit.csrf_token_from(first.get(f"/j/{walk.join_token}").get_data(as_text=True))
    resp = second.post(f"/j/{walk.join_token}", data={"role": "resident", "csrf_token": token})
    assert resp.status_code == 400
    resp = first.post(f"/j/{walk.join_token}", data={"role": "resident", "csrf_token": token})
    assert resp.status_code == 302
