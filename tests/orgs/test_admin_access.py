"""The admin section is for admins only: coordinators and staff get 403, visitors the login."""

from __future__ import annotations

import json

import pytest
from conftest import english

from fieldapp.areas.services import create_area
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration

PAGES = [
    "/admin/",
    "/admin/administrations",
    "/admin/administrations/new",
    "/admin/administrations/{admin_id}/edit",
    "/admin/users/",
    "/admin/users/new",
    "/admin/users/{user_id}/edit",
    "/admin/areas",
    "/admin/areas.geojson",
    "/admin/areas/new",
    "/admin/areas/{area_id}/edit",
    "/admin/routing",
    "/admin/privacy/",
    "/admin/audit/",
    "/admin/audit/audit-log.csv",
]
ACTIONS = [
    "/admin/administrations/new",
    "/admin/administrations/{admin_id}/edit",
    "/admin/administrations/{admin_id}/remove",
    "/admin/users/new",
    "/admin/users/{user_id}/edit",
    "/admin/areas",
    "/admin/areas/{area_id}/edit",
    "/admin/areas/1/delete",
    "/admin/routing",
    "/admin/privacy/reporter",
    "/admin/privacy/reporter/export",
    "/admin/privacy/reporter/erase",
]


@pytest.fixture
def ids(app):
    from conftest import make_user

    administration = Administration(name="Park og Vej")
    db.session.add(administration)
    db.session.commit()
    user = make_user("coordinator", "someone@example.dk")
    square = [[9.90, 57.06], [9.91, 57.06], [9.91, 57.07], [9.90, 57.07], [9.90, 57.06]]
    area = create_area(
        db.session, "Løvvangen", json.dumps({"type": "Polygon", "coordinates": [square]})
    )
    db.session.commit()
    return {"admin_id": administration.id, "user_id": user.id, "area_id": area.id}


def test_every_admin_url_is_in_these_lists(app) -> None:
    """A new admin page must be added here, so its protection is tested too."""
    known = {p.split("{")[0].rstrip("/") for p in PAGES + ACTIONS}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            assert rule.rule.split("<")[0].rstrip("/") in known, rule.rule


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_the_login_page(client, ids, path) -> None:
    resp = client.get(path.format(**ids))
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", ["coordinator", "staff"])
@pytest.mark.parametrize("path", PAGES)
def test_coordinators_and_staff_get_403_on_pages(client, auth, ids, role, path) -> None:
    auth.login(role)
    assert client.get(path.format(**ids)).status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "staff"])
@pytest.mark.parametrize("path", ACTIONS)
def test_coordinators_and_staff_get_403_on_actions(client, auth, ids, role, path) -> None:
    auth.login(role)
    assert client.post(path.format(**ids), data={"name": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Administration, ids["admin_id"]).name == "Park og Vej"


@pytest.mark.parametrize("path", PAGES)
def test_admins_see_every_page(client, auth, ids, path) -> None:
    auth.login("admin")
    assert client.get(path.format(**ids)).status_code == 200


def test_only_admins_see_the_admin_link(client, auth) -> None:
    english(client)
    auth.login("coordinator")
    assert ">Admin<" not in client.get("/walks/").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert 'href="/admin/">Admin<' in client.get("/walks/").get_data(as_text=True)
