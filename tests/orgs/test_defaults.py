"""The Danish defaults: six administrations, a rule per category that has an obvious owner."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldapp.auth.services import authenticate
from fieldapp.extensions import db
from fieldapp.orgs.defaults import (
    DEFAULT_ADMINISTRATIONS,
    DEFAULT_RULES,
    DEMO_STAFF,
    PARKS_ROADS,
    seed_defaults,
)
from fieldapp.orgs.models import ADMINISTRATION_KIND_LABELS, Administration
from fieldapp.orgs.services import parse_emails
from fieldapp.routing.models import RoutingRule
from fieldapp.routing.services import resolve_administration
from fieldapp.taxonomy import CATEGORY_BY_CODE


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_defaults_are_consistent_with_the_taxonomy_and_the_rules() -> None:
    names = {a["name"] for a in DEFAULT_ADMINISTRATIONS}
    assert set(DEFAULT_RULES) <= set(CATEGORY_BY_CODE)
    assert set(DEFAULT_RULES.values()) <= names
    # every category has an owner except the two a coordinator must judge
    assert set(CATEGORY_BY_CODE) - set(DEFAULT_RULES) == {"good_place", "other"}
    for a in DEFAULT_ADMINISTRATIONS:
        assert a["kind"] in ADMINISTRATION_KIND_LABELS
        assert parse_emails(a["emails"])


def test_seed_defaults_is_idempotent(app) -> None:
    created = seed_defaults(db.session)
    db.session.commit()
    assert created == len(DEFAULT_ADMINISTRATIONS) + len(DEFAULT_RULES) + 1
    assert seed_defaults(db.session) == 0
    db.session.commit()
    assert count(Administration) == 6
    assert count(RoutingRule) == len(DEFAULT_RULES)


def test_seeded_rules_route_each_category_as_described(app) -> None:
    seed_defaults(db.session)
    db.session.commit()

    def owner(category: str) -> str | None:
        administration = resolve_administration(db.session, category, 57.069, 9.909)
        return administration.name if administration else None

    assert owner("lighting") == "By- og Landskabsforvaltningen"
    assert owner("waste") == "Aalborg Forsyning – affald"
    assert owner("buildings") == "Sundby-Hvorup Boligselskab – driften"
    assert owner("behaviour") == "Nordjyllands Politi – nærpolitiet"
    assert owner("social_vulnerability") == "Center for Sociale Indsatser – Bo- og Gadeteamet"
    assert owner("fire_risk") == "Beredskabscenter Nordjylland"
    assert owner("good_place") is None and owner("other") is None


def test_seed_defaults_keeps_what_an_admin_changed(app) -> None:
    seed_defaults(db.session)
    db.session.commit()
    police = db.session.scalar(select(Administration).where(Administration.kind == "police"))
    rule = db.session.scalar(select(RoutingRule).where(RoutingRule.category == "waste"))
    rule.administration_id = police.id
    police.emails = "ny@example.dk"
    db.session.delete(
        db.session.scalar(select(Administration).where(Administration.kind == "fire"))
    )
    db.session.execute(RoutingRule.__table__.delete().where(RoutingRule.category == "fire_risk"))
    db.session.commit()

    assert seed_defaults(db.session) == 2  # the fire service and its rule come back
    db.session.commit()
    db.session.refresh(rule)
    db.session.refresh(police)
    assert rule.administration_id == police.id
    assert police.emails == "ny@example.dk"


def test_the_demo_staff_user_works_for_parks_and_roads(app) -> None:
    seed_defaults(db.session)
    db.session.commit()
    user = authenticate(db.session, *DEMO_STAFF)
    assert user is not None and user.role == "staff"
    assert user.administration.name == PARKS_ROADS


def test_without_demo_staff_no_account_is_made(app) -> None:
    from fieldapp.auth.models import User

    seed_defaults(db.session, with_demo_staff=False)
    db.session.commit()
    assert count(User) == 0


def test_the_cli_seeds_administrations_without_a_demo_account(runner) -> None:
    from fieldapp.auth.models import User

    result = runner.invoke(args=["seed-administrations"])
    assert result.exit_code == 0, result.output
    assert f"{len(DEFAULT_ADMINISTRATIONS) + len(DEFAULT_RULES)} created" in result.output
    assert runner.invoke(args=["seed-administrations"]).output.strip().endswith("0 created.")
    db.session.rollback()
    assert count(Administration) == 6
    assert count(User) == 0
