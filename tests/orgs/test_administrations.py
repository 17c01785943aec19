"""Administrations: created and edited by an admin, contacts checked one by one, kept when used."""

from __future__ import annotations

import pytest
from conftest import english, make_user
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.orgs.services import OrgError, parse_emails, remove_administration
from fieldapp.routing.models import RoutingRule
from fieldapp.triage.models import Issue

FORM = {
    "name": "By- og Landskabsforvaltningen",
    "short_name": "Park og Vej",
    "kind": "municipality",
    "emails": "park-vej@example.dk,\n gadelys@example.dk",
    "description": "Parker, veje og gadelys.",
    "active": "y",
}


@pytest.fixture
def admin_client(client, auth):
    english(client)
    auth.login("admin")
    return client


def test_parse_emails_accepts_commas_semicolons_and_lines_and_drops_repeats() -> None:
    got = parse_emails(" a@example.dk; b@example.dk\nA@example.dk ,, c@example.dk ")
    assert got == ["a@example.dk", "b@example.dk", "c@example.dk"]
    assert parse_emails("") == []


def test_parse_emails_names_the_bad_address() -> None:
    with pytest.raises(OrgError) as info:
        parse_emails("good@example.dk, politi@@example.dk, other@example.dk")
    assert info.value.params == {"address": "politi@@example.dk"}
    assert str(info.value) == "“politi@@example.dk” is not a valid e-mail address."


def test_admin_creates_and_lists_an_administration(admin_client) -> None:
    resp = admin_client.post("/admin/administrations/new", data=FORM)
    assert resp.status_code == 302
    saved = db.session.scalar(select(Administration))
    assert saved.email_list == ["park-vej@example.dk", "gadelys@example.dk"]
    assert (saved.short_name, saved.kind, saved.active) == ("Park og Vej", "municipality", True)
    page = admin_client.get("/admin/administrations").get_data(as_text=True)
    assert "By- og Landskabsforvaltningen is saved." in page
    assert 'href="mailto:gadelys@example.dk"' in page
    assert "Municipality" in page


def test_an_invalid_contact_address_is_400_naming_it_and_the_form_keeps_the_input(
    admin_client,
) -> None:
    data = {**FORM, "emails": "park-vej@example.dk, gadelys(at)example.dk"}
    resp = admin_client.post("/admin/administrations/new", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "“gadelys(at)example.dk” is not a valid e-mail address." in page
    assert 'value="By- og Landskabsforvaltningen"' in page
    assert "park-vej@example.dk, gadelys(at)example.dk</textarea>" in page
    assert 'value="Park og Vej"' in page
    assert db.session.scalar(select(Administration)) is None


def test_a_missing_name_and_an_unknown_kind_are_400(admin_client) -> None:
    resp = admin_client.post("/admin/administrations/new", data={**FORM, "name": " ", "kind": "x"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Enter the administration" in page
    assert "Choose an option from the list." in page


def test_a_name_in_use_is_400(admin_client) -> None:
    db.session.add(Administration(name="By- og Landskabsforvaltningen"))
    db.session.commit()
    resp = admin_client.post(
        "/admin/administrations/new", data={**FORM, "name": "by- og landskabsforvaltningen"}
    )
    assert resp.status_code == 400
    assert (
        "An administration called “by- og landskabsforvaltningen” already exists."
        in resp.get_data(as_text=True)
    )


def test_admin_edits_an_administration_and_can_deactivate_it(admin_client) -> None:
    administration = Administration(name="Forsyningen", kind="utility", emails="a@example.dk")
    db.session.add(administration)
    db.session.commit()
    url = f"/admin/administrations/{administration.id}/edit"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'value="Forsyningen"' in page and "a@example.dk</textarea>" in page

    data = {"name": "Aalborg Forsyning – affald", "kind": "utility", "emails": "affald@example.dk"}
    assert admin_client.post(url, data=data).status_code == 302  # no "active": unchecked
    db.session.refresh(administration)
    assert administration.name == "Aalborg Forsyning – affald"
    assert administration.emails == "affald@example.dk"
    assert administration.active is False
    # keeping its own name is not a clash
    assert admin_client.post(url, data={**data, "active": "y"}).status_code == 302
    assert admin_client.get("/admin/administrations/999999/edit").status_code == 404


def test_an_unused_administration_is_deleted_with_its_rules(admin_client) -> None:
    administration = Administration(name="Midlertidig")
    db.session.add(administration)
    db.session.flush()
    db.session.add(RoutingRule(category="waste", administration_id=administration.id))
    db.session.commit()
    resp = admin_client.post(
        f"/admin/administrations/{administration.id}/remove", follow_redirects=True
    )
    assert "Midlertidig is deleted." in resp.get_data(as_text=True)
    assert db.session.scalar(select(Administration)) is None
    assert db.session.scalar(select(RoutingRule)) is None


def test_an_administration_with_issues_is_deactivated_not_deleted(admin_client) -> None:
    administration = Administration(name="Nærpolitiet", kind="police")
    db.session.add(administration)
    db.session.flush()
    db.session.add(Issue(title="Uro", category="behaviour", administration_id=administration.id))
    db.session.commit()
    resp = admin_client.post(
        f"/admin/administrations/{administration.id}/remove", follow_redirects=True
    )
    page = resp.get_data(as_text=True)
    assert "it is deactivated instead of deleted" in page
    db.session.refresh(administration)
    assert administration.active is False
    assert "Inactive" in page


def test_an_administration_with_staff_is_deactivated_not_deleted(app) -> None:
    administration = Administration(name="Gadeteamet", kind="social")
    db.session.add(administration)
    db.session.commit()
    user = make_user("staff")
    user.administration_id = administration.id
    db.session.commit()
    assert remove_administration(db.session, administration) == "deactivated"


@pytest.mark.parametrize("user", ["walk", "action item"])
def test_an_administration_that_organises_a_walk_or_owns_an_action_item_is_kept(
    admin_client, make_walk, user
) -> None:
    """Who answers for a walk or a promised action must not vanish with a click: deleting would
    have unlinked them (ON DELETE SET NULL, on SQLite too since its foreign keys are on)."""
    from fieldapp.plans.models import ActionItem

    administration = Administration(name="Boligforeningen Himmerland", kind="housing")
    db.session.add(administration)
    db.session.commit()
    if user == "walk":
        owned = make_walk(administration_id=administration.id)
    else:
        owned = ActionItem(description="Nye lamper på stien", administration_id=administration.id)
        db.session.add(owned)
        db.session.commit()
    resp = admin_client.post(
        f"/admin/administrations/{administration.id}/remove", follow_redirects=True
    )
    assert "walks, action items, history or staff" in resp.get_data(as_text=True)
    db.session.refresh(administration)
    db.session.refresh(owned)
    assert administration.active is False
    assert owned.administration_id == administration.id
