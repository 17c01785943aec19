"""Staff log in and out; pages for coordinators are closed to everyone else."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from fieldapp.auth.services import find_user
from fieldapp.extensions import db


@pytest.fixture(autouse=True)
def _english(client, kit):
    kit.english(client)


@pytest.fixture
def login_data(kit) -> dict[str, str]:
    """A stored coordinator account and the form data that logs it in."""
    kit.make_user("coordinator")
    return {"email": "coordinator@example.dk", "password": kit.PASSWORDS["coordinator"]}


def test_login_page_renders(client) -> None:
    resp = client.get("/login")
    assert resp.status_code == 200
    assert b'name="email"' in resp.data and b'name="password"' in resp.data


def test_wrong_password_is_401_and_keeps_the_email(client, login_data) -> None:
    resp = client.post("/login", data=login_data | {"password": "not-the-password"})
    assert resp.status_code == 401
    assert b"Wrong e-mail or password." in resp.data
    assert b'value="coordinator@example.dk"' in resp.data
    assert b"not-the-password" not in resp.data  # the password is never sent back
    assert client.get("/walks/").status_code == 302  # still logged out


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client) -> None:
    resp = client.post("/login", data={"email": "nobody@example.dk", "password": "whatever-pw"})
    assert resp.status_code == 401
    assert b"Wrong e-mail or password." in resp.data


def test_empty_form_is_400_with_messages(client) -> None:
    resp = client.post("/login", data={"email": "", "password": ""})
    assert resp.status_code == 400
    assert b"Enter your e-mail address." in resp.data
    assert b"Enter your password." in resp.data


def test_success_redirects_to_the_coordinators_home_and_logs_in(client, auth) -> None:
    resp = auth.login("coordinator")
    assert resp.status_code == 302
    home = client.get(resp.location, follow_redirects=True)
    assert home.status_code == 200
    assert home.request.path == "/walks/"


def test_email_is_case_insensitive(client, login_data) -> None:
    resp = client.post("/login", data=login_data | {"email": "Coordinator@Example.DK"})
    assert resp.status_code == 302


def test_space_a_phone_keyboard_adds_after_the_email_is_ignored(client, login_data) -> None:
    resp = client.post("/login", data=login_data | {"email": " coordinator@example.dk "})
    assert resp.status_code == 302


def test_inactive_user_is_refused(client, login_data) -> None:
    find_user(db.session, login_data["email"]).active = False
    db.session.commit()
    resp = client.post("/login", data=login_data)
    assert resp.status_code == 401
    assert client.get("/walks/").status_code == 302


def test_deactivated_user_loses_an_open_session(client, auth) -> None:
    auth.login("coordinator")
    assert client.get("/walks/").status_code == 200
    find_user(db.session, "coordinator@example.dk").active = False
    db.session.commit()
    assert client.get("/walks/").status_code == 302


def test_logout_needs_post(client, auth) -> None:
    auth.login("coordinator")
    assert client.get("/logout").status_code == 405
    assert client.get("/walks/").status_code == 200  # the GET did not log out
    resp = auth.logout()
    assert resp.status_code == 302
    resp = client.get("/walks/")
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == "/login"


def test_next_leads_back_to_the_page_asked_for(client, make_walk, login_data) -> None:
    walk = make_walk()
    resp = client.post(f"/login?next=/walks/{walk.id}", data=login_data)
    assert resp.status_code == 302
    assert resp.location == f"/walks/{walk.id}"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
@pytest.mark.parametrize("where", ["query", "form"])
def test_next_cannot_leave_the_site(client, login_data, target: str, where: str) -> None:
    data = dict(login_data)
    url = "/login"
    if where == "query":
        url += "?" + "next=" + target.replace("/", "%2F").replace("\\", "%5C")
    else:
        data["next"] = target
    resp = client.post(url, data=data)
    assert resp.status_code == 302
    location = resp.location
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == ""
    # Browsers read a backslash as a slash: "/\\host" would be another site.
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    resp = client.get("/walks/")
    assert resp.status_code == 302
    parts = urlsplit(resp.location)
    assert parts.path == "/login"
    assert parse_qs(parts.query)["next"] == ["/walks/"]


@pytest.mark.parametrize("path", ["/walks/", "/walks/new", "/walks/1", "/walks/1/qr.png"])
def test_staff_role_gets_403_on_coordinator_pages(client, auth, make_walk, path: str) -> None:
    make_walk()
    auth.login("staff")
    assert client.get(path).status_code == 403
    assert client.post("/walks/new", data={"title": "x"}).status_code == 403


def test_admin_may_coordinate(client, auth) -> None:
    auth.login("admin")
    assert client.get("/walks/").status_code == 200


def test_logged_in_user_visiting_login_goes_home(client, auth) -> None:
    auth.login("coordinator")
    resp = client.get("/login", follow_redirects=True)
    assert resp.status_code == 200
    assert resp.request.path == "/walks/"
    assert 'name="password"' not in resp.get_data(as_text=True)
