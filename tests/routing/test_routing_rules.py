"""Routing rules: the most specific active rule decides, and the admin edits them in one table."""

from __future__ import annotations

import pytest
from conftest import english
from geo_fixtures import (
    COURTYARD,
    INSIDE_COURTYARD,
    INSIDE_LOVVANGEN_ONLY,
    LOVVANGEN,
    OUTSIDE_ALL,
    text,
)
from sqlalchemy import select

from fieldapp.areas.services import create_area
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.routing.forms import cell_name
from fieldapp.routing.models import RoutingRule
from fieldapp.routing.services import (
    RoutingError,
    resolve_administration,
    resolve_rule,
    rules_table,
    save_rules,
)
from fieldapp.taxonomy import CATEGORIES


@pytest.fixture
def world(app):
    """Park og Vej owns waste by default; the housing association owns it in Løvvangen."""
    admins = {
        key: Administration(name=name, kind=kind)
        for key, name, kind in [
            ("parks", "By- og Landskabsforvaltningen", "municipality"),
            ("housing", "Sundby-Hvorup Boligselskab – driften", "housing"),
            ("police", "Nordjyllands Politi – nærpolitiet", "police"),
        ]
    }
    db.session.add_all(admins.values())
    lovvangen = create_area(db.session, "Løvvangen", text(LOVVANGEN))
    courtyard = create_area(db.session, "Gården", text(COURTYARD))
    db.session.add_all(
        [
            RoutingRule(category="waste", area_id=None, administration_id=admins["parks"].id),
            RoutingRule(
                category="waste", area_id=lovvangen.id, administration_id=admins["housing"].id
            ),
            RoutingRule(category="behaviour", area_id=None, administration_id=admins["police"].id),
        ]
    )
    db.session.commit()
    return {**admins, "lovvangen": lovvangen, "courtyard": courtyard}


def name_of(administration) -> str | None:
    return administration.name if administration else None


def test_the_default_rule_applies_outside_every_area(world) -> None:
    got = resolve_administration(db.session, "waste", *OUTSIDE_ALL)
    assert name_of(got) == "By- og Landskabsforvaltningen"
    assert name_of(resolve_administration(db.session, "waste")) == "By- og Landskabsforvaltningen"


def test_a_rule_for_the_area_beats_the_default(world) -> None:
    by_point = resolve_administration(db.session, "waste", *INSIDE_LOVVANGEN_ONLY)
    assert name_of(by_point) == "Sundby-Hvorup Boligselskab – driften"
    by_area = resolve_administration(db.session, "waste", area_id=world["lovvangen"].id)
    assert name_of(by_area) == "Sundby-Hvorup Boligselskab – driften"


def test_a_nested_area_without_a_rule_falls_back_to_the_area_around_it(world) -> None:
    rule = resolve_rule(db.session, "waste", *INSIDE_COURTYARD)
    assert rule.area.name == "Løvvangen"
    db.session.add(
        RoutingRule(
            category="waste", area_id=world["courtyard"].id, administration_id=world["police"].id
        )
    )
    db.session.commit()
    assert resolve_rule(db.session, "waste", *INSIDE_COURTYARD).area.name == "Gården"


def test_the_given_area_counts_before_the_point(world) -> None:
    """A walk's area, when the caller passes it, is more specific than where the pin landed."""
    got = resolve_administration(db.session, "waste", *OUTSIDE_ALL, area_id=world["lovvangen"].id)
    assert name_of(got) == "Sundby-Hvorup Boligselskab – driften"


def test_a_category_without_a_rule_has_no_administration(world) -> None:
    assert resolve_administration(db.session, "good_place", *INSIDE_LOVVANGEN_ONLY) is None
    assert resolve_administration(db.session, "no_such_category") is None


def test_inactive_administrations_are_skipped(world) -> None:
    world["housing"].active = False
    db.session.commit()
    got = resolve_administration(db.session, "waste", *INSIDE_LOVVANGEN_ONLY)
    assert name_of(got) == "By- og Landskabsforvaltningen"  # fell back to the default

    world["parks"].active = False
    db.session.commit()
    assert resolve_administration(db.session, "waste", *INSIDE_LOVVANGEN_ONLY) is None


def test_rules_table_has_every_category_and_area(world) -> None:
    table = rules_table(db.session)
    assert [row.category.code for row in table.rows] == [c.code for c in CATEGORIES]
    assert [a.name for a in table.areas] == ["Gården", "Løvvangen"]
    assert table.columns[0] is None
    waste = next(row for row in table.rows if row.category.code == "waste")
    assert waste.cells == {None: world["parks"].id, world["lovvangen"].id: world["housing"].id}


def test_save_rules_creates_changes_and_deletes(world) -> None:
    lovvangen = world["lovvangen"].id
    counts = save_rules(
        db.session,
        {
            ("lighting", None): world["parks"].id,  # new
            ("waste", lovvangen): world["police"].id,  # changed
            ("behaviour", None): None,  # removed
            ("waste", None): world["parks"].id,  # unchanged
        },
    )
    db.session.commit()
    assert counts == {"created": 1, "changed": 1, "deleted": 1}
    rules = {
        (r.category, r.area_id): r.administration_id
        for r in db.session.scalars(select(RoutingRule))
    }
    assert rules == {
        ("lighting", None): world["parks"].id,
        ("waste", lovvangen): world["police"].id,
        ("waste", None): world["parks"].id,
    }


@pytest.mark.parametrize(
    "bad",
    [{("nope", None): 1}, {("waste", 999999): None}, {("waste", None): 999999}],
    ids=["category", "area", "administration"],
)
def test_save_rules_refuses_unknown_references(world, bad) -> None:
    with pytest.raises(RoutingError):
        save_rules(db.session, bad)


# --- the admin page -----------------------------------------------------------------------------


def test_the_rules_page_shows_translated_labels_and_current_choices(client, auth, world) -> None:
    english(client)
    auth.login("admin")
    page = client.get("/admin/routing").get_data(as_text=True)
    assert "Waste and dirt" in page and "People who need help" in page
    assert '<th scope="col">Løvvangen</th>' in page
    # the stored rule is preselected in its cell
    select_html = page.split(f'name="{cell_name("waste", world["lovvangen"].id)}"')[1]
    select_html = select_html.split("</select>")[0]
    assert f'selected value="{world["housing"].id}"' in select_html or (
        f'value="{world["housing"].id}" selected' in select_html
    )


def test_the_rules_page_is_danish_by_default(client, auth, world) -> None:
    auth.login("admin")
    page = client.get("/admin/routing").get_data(as_text=True)
    assert '<html lang="da">' in page


def test_admin_saves_the_whole_table_in_one_post(client, auth, world) -> None:
    english(client)
    auth.login("admin")
    lovvangen = world["lovvangen"].id
    data = {
        cell_name("lighting", None): str(world["parks"].id),
        cell_name("waste", lovvangen): "",  # clear the area rule
        cell_name("waste", None): str(world["parks"].id),
        cell_name("behaviour", None): str(world["police"].id),
    }
    resp = client.post("/admin/routing", data=data, follow_redirects=True)
    assert resp.status_code == 200
    assert "Routing rules saved: 1 added, 0 changed, 1 removed." in resp.get_data(as_text=True)
    assert (
        name_of(resolve_administration(db.session, "waste", *INSIDE_LOVVANGEN_ONLY))
        == "By- og Landskabsforvaltningen"
    )
    assert (
        name_of(resolve_administration(db.session, "lighting")) == "By- og Landskabsforvaltningen"
    )


def test_an_unknown_administration_in_the_post_is_400_and_changes_nothing(
    client, auth, world
) -> None:
    english(client)
    auth.login("admin")
    resp = client.post(
        "/admin/routing",
        data={
            cell_name("waste", None): "999999",
            cell_name("lighting", None): str(world["parks"].id),
        },
    )
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)
    assert resolve_administration(db.session, "lighting") is None


def test_inactive_administrations_are_offered_only_where_a_rule_uses_them(
    client, auth, world
) -> None:
    english(client)
    world["police"].active = False
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/routing").get_data(as_text=True)
    assert "Nordjyllands Politi – nærpolitiet (inactive)" in page
    save_rules(db.session, {("behaviour", None): None})
    db.session.commit()
    page = client.get("/admin/routing").get_data(as_text=True)
    assert "Nordjyllands Politi" not in page


def test_saving_an_unchanged_table_says_so(client, auth, world) -> None:
    english(client)
    auth.login("admin")
    resp = client.post("/admin/routing", data={}, follow_redirects=True)
    assert resp.status_code == 200
    assert "Nothing changed." in resp.get_data(as_text=True)
    assert len(db.session.scalars(select(RoutingRule)).all()) == 3
