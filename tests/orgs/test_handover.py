"""Issue 8, Bar 2: a coordinator who owns open findings is deactivated. Refused without a
successor; with one, every open item moves in one go, the audit trail shows each move, and no
open item is left with an inactive owner. Through the CLI and through the admin page."""

from __future__ import annotations

import json

import pytest
from conftest import english
from owner_fixtures import *  # noqa: F403  (its pytest fixtures)
from owner_fixtures import PASSWORD, member
from sqlalchemy import select

from fieldapp.audit.models import AuditEntry
from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.orgs.ownership import (
    OwnershipError,
    deactivate_user,
    open_items_with_inactive_owner,
    organisations_without_active_members,
)
from fieldapp.plans.models import ActionItem
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Walk


def owners(world) -> dict[str, set]:
    db.session.expire_all()
    return {
        "walk": {db.session.get(Walk, world.walk.id).owner_id},
        "issues": {db.session.get(Issue, i.id).owner_id for i in world.issues},
        "closed": {db.session.get(Issue, world.closed_issue.id).owner_id},
        "item": {db.session.get(ActionItem, world.item.id).owner_id},
    }


def moves(kind: str, object_id: int) -> list[dict]:
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "owner.changed",
            AuditEntry.object_type == kind,
            AuditEntry.object_id == object_id,
        )
    )
    return [json.loads(e.detail) for e in entries]


def assert_handed_over_to(world, successor_id: int | None) -> None:
    after = owners(world)
    assert after["walk"] == after["issues"] == after["item"] == {successor_id}
    # A closed issue keeps its history as it was.
    assert after["closed"] == {world.anna.id}
    assert db.session.get(User, world.anna.id).active is False
    assert open_items_with_inactive_owner(db.session) == []
    for kind, ids in (
        ("walk", [world.walk.id]),
        ("issue", [i.id for i in world.issues]),
        ("action_item", [world.item.id]),
    ):
        for object_id in ids:
            (move,) = moves(kind, object_id)
            assert (move["from_owner_id"], move["to_owner_id"]) == (world.anna.id, successor_id)
    for issue in world.issues:
        kinds = [
            e.kind
            for e in db.session.scalars(select(IssueEvent).where(IssueEvent.issue_id == issue.id))
        ]
        assert kinds == ["owner"]


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_refuses_while_the_user_owns_open_items(runner, world) -> None:
    result = runner.invoke(args=["deactivate-user", "anna@example.dk"])
    assert result.exit_code != 0
    assert "Anna Koordinator still owns 5 open items" in result.output
    assert "successor" in result.output
    assert owners(world)["issues"] == {world.anna.id}
    assert db.session.get(User, world.anna.id).active is True


def test_cli_with_a_successor_moves_every_open_item(runner, world) -> None:
    result = runner.invoke(
        args=["deactivate-user", "anna@example.dk", "--successor", "bo@example.dk"]
    )
    assert result.exit_code == 0, result.output
    assert "Moved 5 open items" in result.output
    assert_handed_over_to(world, world.bo.id)
    login = english(runner.app.test_client()).post(
        "/login", data={"email": "anna@example.dk", "password": PASSWORD}
    )
    assert login.status_code == 401


def test_cli_to_the_unassigned_queue(runner, world) -> None:
    result = runner.invoke(args=["deactivate-user", "anna@example.dk", "--to-unassigned"])
    assert result.exit_code == 0, result.output
    assert_handed_over_to(world, None)
    # The items stay with their organisation: nothing belongs to one person alone.
    assert db.session.get(Walk, world.walk.id).administration_id == world.parks.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--successor", "nobody@example.dk"], "No user with the e-mail nobody@example.dk"),
        (["--successor", "politi@example.dk"], "Per Politi is not a member of By- og"),
        (["--successor", "anna@example.dk"], "The successor must be someone else."),
        (["--successor", "bo@example.dk", "--to-unassigned"], "not both"),
    ],
)
def test_cli_refuses_a_successor_who_cannot_take_over(runner, world, args, message) -> None:
    result = runner.invoke(args=["deactivate-user", "anna@example.dk", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert owners(world)["issues"] == {world.anna.id}
    assert db.session.get(User, world.anna.id).active is True


def test_cli_refuses_an_inactive_successor(runner, world) -> None:
    world.bo.active = False
    db.session.commit()
    result = runner.invoke(
        args=["deactivate-user", "anna@example.dk", "--successor", "bo@example.dk"]
    )
    assert result.exit_code != 0
    assert "Bo Efterfølger is not active" in result.output


def test_cli_deactivates_someone_who_owns_nothing_without_options(runner, world) -> None:
    result = runner.invoke(args=["deactivate-user", "politi@example.dk"])
    assert result.exit_code == 0, result.output
    assert db.session.get(User, world.politi.id).active is False


def test_a_failing_move_changes_nothing(app, world, monkeypatch) -> None:
    """One transaction: when a move fails halfway, no item and not the user has changed."""
    from fieldapp.orgs import ownership

    real = ownership.set_owner
    calls = {"n": 0}

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(ownership, "set_owner", fail_on_third)
    with pytest.raises(RuntimeError):
        deactivate_user(db.session, world.anna, None, successor=world.bo)
    db.session.rollback()
    assert owners(world)["issues"] == {world.anna.id}
    assert db.session.get(User, world.anna.id).active is True
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_service_refuses_without_successor(app, world) -> None:
    with pytest.raises(OwnershipError) as exc:
        deactivate_user(db.session, world.anna, None)
    assert exc.value.params["num"] == 5


# --- admin page ----------------------------------------------------------------------------------


@pytest.fixture
def admin(client, auth):
    english(client)
    auth.login("admin")
    return client


def test_admin_page_refuses_without_a_successor_then_hands_over(admin, world) -> None:
    url = f"/admin/users/{world.anna.id}/deactivate"
    page = admin.get(url).get_data(as_text=True)
    assert "5 open items are owned by this person" in page
    assert "Mørk sti 0" in page and "Beskær hækken" in page

    resp = admin.post(url, data={})
    assert resp.status_code == 400
    assert "still owns 5 open items" in resp.get_data(as_text=True)
    assert db.session.get(User, world.anna.id).active is True

    resp = admin.post(url, data={"handover": "successor", "successor": ""})
    assert resp.status_code == 400
    assert "Choose the successor." in resp.get_data(as_text=True)

    resp = admin.post(url, data={"handover": "successor", "successor": str(world.politi.id)})
    assert resp.status_code == 400
    assert "Per Politi is not a member of" in resp.get_data(as_text=True)

    resp = admin.post(url, data={"handover": "successor", "successor": str(world.bo.id)})
    assert resp.status_code == 302
    assert_handed_over_to(world, world.bo.id)
    trail = admin.get(f"/triage/issues/{world.issues[0].id}").get_data(as_text=True)
    assert "Anna Koordinator → Bo Efterfølger" in trail
    assert "Handover: anna@example.dk was deactivated." in trail


def test_unticking_active_on_the_edit_page_is_refused_while_items_are_open(admin, world) -> None:
    resp = admin.post(
        f"/admin/users/{world.anna.id}/edit",
        data={"role": "coordinator", "administration_id": str(world.parks.id)},
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "still owns 5 open items" in page and "Deactivate with handover" in page
    assert db.session.get(User, world.anna.id).active is True


def test_an_organisation_without_active_members_is_flagged(admin, world) -> None:
    assert organisations_without_active_members(db.session) == []
    admin.post(f"/admin/users/{world.politi.id}/deactivate", data={})
    assert [o.name for o in organisations_without_active_members(db.session)] == [
        "Nordjyllands Politi"
    ]
    page = admin.get("/admin/").get_data(as_text=True)
    assert "1 organisation has no active member" in page
    assert "Nordjyllands Politi" in page
    member("ny@example.dk", "Ny Betjent", world.police, role="staff")
    db.session.commit()
    assert "has no active member" not in admin.get("/admin/").get_data(as_text=True)


def test_moving_an_owner_to_another_organisation_is_refused_while_they_own_items(
    admin, world
) -> None:
    resp = admin.post(
        f"/admin/users/{world.anna.id}/edit",
        data={"role": "coordinator", "administration_id": str(world.police.id), "active": "y"},
    )
    assert resp.status_code == 400
    assert "owns 5 open items of their present organisation" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.anna.id).administration_id == world.parks.id
