"""Staff accounts: an admin creates them, binds staff to an administration, locks them out."""

from __future__ import annotations

import pytest
from conftest import english, make_user

from fieldapp.auth.services import find_user
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration

NEW_STAFF = {
    "email": "Drift@Example.dk ",
    "name": "Mette Drift",
    "role": "staff",
    "administration_id": "",
    "password": "et-langt-kodeord",
}


@pytest.fixture
def parks(app):
    administration = Administration(name="By- og Landskabsforvaltningen")
    db.session.add(administration)
    db.session.commit()
    return administration


@pytest.fixture
def admin_client(client, auth):
    english(client)
    auth.login("admin")
    return client


def test_a_staff_user_without_an_administration_is_400_with_a_message(admin_client, parks) -> None:
    resp = admin_client.post("/admin/users/new", data=NEW_STAFF)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Staff users must belong to an administration. Choose one." in page
    assert 'value="Drift@Example.dk"' in page  # kept (trimmed)
    assert 'value="Mette Drift"' in page
    assert "et-langt-kodeord" not in page  # passwords are never sent back
    assert find_user(db.session, "drift@example.dk") is None


def test_admin_creates_a_staff_user_who_can_log_in(admin_client, parks, new_browser) -> None:
    data = {**NEW_STAFF, "administration_id": str(parks.id)}
    resp = admin_client.post("/admin/users/new", data=data)
    assert resp.status_code == 302
    user = find_user(db.session, "drift@example.dk")
    assert (user.role, user.administration_id, user.name) == ("staff", parks.id, "Mette Drift")
    page = admin_client.get("/admin/users/").get_data(as_text=True)
    assert "The account for drift@example.dk is created." in page
    assert "By- og Landskabsforvaltningen" in page

    phone = new_browser("en")
    login = phone.post("/login", data={"email": "drift@example.dk", "password": "et-langt-kodeord"})
    assert login.status_code == 302


def test_a_coordinator_may_belong_to_an_administration(admin_client, parks) -> None:
    """Issue 8: coordinators belong to an organisation too, so they can own its items."""
    data = {**NEW_STAFF, "role": "coordinator", "administration_id": str(parks.id)}
    assert admin_client.post("/admin/users/new", data=data).status_code == 302
    assert find_user(db.session, "drift@example.dk").administration_id == parks.id
    data = {**NEW_STAFF, "email": "fri@example.dk", "role": "coordinator", "administration_id": ""}
    assert admin_client.post("/admin/users/new", data=data).status_code == 302
    assert find_user(db.session, "fri@example.dk").administration_id is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "kort"}, "The password must be at least 12 characters."),
        ({"email": "not-an-address"}, "Not a valid e-mail address."),
        ({"role": "superuser"}, "Choose an option from the list."),
        ({"administration_id": "999999"}, "Choose an option from the list."),
        ({"administration_id": "abc"}, "Choose an option from the list."),
        ({"name": ""}, "Enter a name."),
    ],
    ids=["short-password", "email", "role", "unknown-administration", "not-a-number", "no-name"],
)
def test_bad_input_for_a_new_user_is_400(admin_client, parks, change, message) -> None:
    data = {**NEW_STAFF, "administration_id": str(parks.id), **change}
    resp = admin_client.post("/admin/users/new", data=data)
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)


def test_an_e_mail_in_use_is_400(admin_client, parks) -> None:
    make_user("coordinator", "drift@example.dk")
    resp = admin_client.post(
        "/admin/users/new", data={**NEW_STAFF, "administration_id": str(parks.id)}
    )
    assert resp.status_code == 400
    assert "A user with the e-mail Drift@Example.dk already exists." in resp.get_data(as_text=True)


def test_an_inactive_administration_is_not_offered_for_new_staff(admin_client, parks) -> None:
    parks.active = False
    db.session.commit()
    page = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert "By- og Landskabsforvaltningen" not in page
    resp = admin_client.post(
        "/admin/users/new", data={**NEW_STAFF, "administration_id": str(parks.id)}
    )
    assert resp.status_code == 400


def test_admin_changes_role_administration_and_access(admin_client, parks, new_browser) -> None:
    user = make_user("coordinator", "kollega@example.dk")
    url = f"/admin/users/{user.id}/edit"
    assert admin_client.get(url).status_code == 200

    resp = admin_client.post(
        url, data={"role": "staff", "administration_id": str(parks.id), "active": "y"}
    )
    assert resp.status_code == 302
    db.session.refresh(user)
    assert (user.role, user.administration_id, user.active) == ("staff", parks.id, True)

    # deactivated: cannot log in any more
    resp = admin_client.post(url, data={"role": "staff", "administration_id": str(parks.id)})
    assert resp.status_code == 302
    db.session.refresh(user)
    assert user.active is False
    phone = new_browser("en")
    login = phone.post(
        "/login", data={"email": "kollega@example.dk", "password": "koordinator-pw-1"}
    )
    assert login.status_code == 401


def test_staff_edited_without_an_administration_is_400(admin_client, parks) -> None:
    user = make_user("staff", "s@example.dk")
    resp = admin_client.post(f"/admin/users/{user.id}/edit", data={"role": "staff", "active": "y"})
    assert resp.status_code == 400
    assert "Staff users must belong to an administration." in resp.get_data(as_text=True)


def test_admin_sets_a_new_password(admin_client, parks, new_browser) -> None:
    user = make_user("coordinator", "glemsom@example.dk")
    url = f"/admin/users/{user.id}/edit"
    short = admin_client.post(
        url, data={"role": "coordinator", "active": "y", "new_password": "kort"}
    )
    assert short.status_code == 400
    ok = admin_client.post(
        url, data={"role": "coordinator", "active": "y", "new_password": "nyt-langt-kodeord"}
    )
    assert ok.status_code == 302
    phone = new_browser("en")
    login = phone.post(
        "/login", data={"email": "glemsom@example.dk", "password": "nyt-langt-kodeord"}
    )
    assert login.status_code == 302


def test_an_admin_cannot_lock_themselves_out(admin_client) -> None:
    me = find_user(db.session, "admin@example.dk")
    url = f"/admin/users/{me.id}/edit"
    for data in ({"role": "coordinator", "active": "y"}, {"role": "admin"}):
        resp = admin_client.post(url, data=data)
        assert resp.status_code == 400
        assert "You cannot remove your own admin access or deactivate yourself." in resp.get_data(
            as_text=True
        )
    db.session.refresh(me)
    assert (me.role, me.active) == ("admin", True)


def test_an_unknown_user_is_404(admin_client) -> None:
    assert admin_client.get("/admin/users/999999/edit").status_code == 404
