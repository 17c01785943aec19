"""Joining a walk from its QR code: a role, an optional name, and no account."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.walks.models import Participant


def join_walk(client, walk, role: str = "resident", display_name: str = ""):
    """What the join page's form sends."""
    return client.post(f"/j/{walk.join_token}", data={"role": role, "display_name": display_name})


def participants() -> list[Participant]:
    db.session.rollback()
    return list(db.session.scalars(select(Participant).order_by(Participant.id)))


@pytest.fixture
def walk(client, make_walk, kit):
    kit.english(client)
    return make_walk(title="Tryghedsvandring i Løvvangen", place_name="Løvvangen, Nørresundby")


def test_join_page_shows_the_walk_and_the_roles(client, walk) -> None:
    resp = client.get(f"/j/{walk.join_token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Tryghedsvandring i Løvvangen" in html
    assert "Løvvangen, Nørresundby" in html
    assert 'value="resident"' in html and 'value="police"' in html
    assert 'name="display_name"' in html


@pytest.mark.parametrize("token", ["nope", "A" * 22, "a" * 200])
def test_unknown_token_is_404(client, walk, token: str) -> None:
    assert client.get(f"/j/{token}").status_code == 404
    assert client.post(f"/j/{token}", data={"role": "resident"}).status_code == 404


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (None, "Choose how you take part."),
        ("", "Choose how you take part."),
        ("mayor", "Not a valid choice."),
    ],
    ids=["missing", "empty", "unknown"],
)
def test_join_without_a_valid_role_is_400_with_a_message(client, walk, role, message) -> None:
    data = {"display_name": "Mette"} if role is None else {"role": role, "display_name": "Mette"}
    resp = client.post(f"/j/{walk.join_token}", data=data)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html
    assert 'value="Mette"' in html  # the typed name is kept
    assert participants() == []


def test_join_redirects_to_the_form_and_is_remembered(client, walk) -> None:
    resp = join_walk(client, walk, role="police", display_name="  Betjent Hansen ")
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/w/{walk.join_token}/new"
    (person,) = participants()
    assert (person.walk_id, person.role, person.display_name) == (
        walk.id,
        "police",
        "Betjent Hansen",
    )

    again = client.get(f"/j/{walk.join_token}")
    assert again.status_code == 302
    assert urlsplit(again.location).path == f"/w/{walk.join_token}/new"
    assert client.get(again.location).status_code == 200
    # Coming back through the QR code does not make a second participant.
    join_walk(client, walk, role="resident")
    assert len(participants()) == 1


def test_display_name_is_optional(client, walk) -> None:
    assert join_walk(client, walk, role="resident", display_name="").status_code == 302
    (person,) = participants()
    assert person.display_name is None


def test_too_long_display_name_is_400(client, walk) -> None:
    resp = join_walk(client, walk, role="resident", display_name="x" * 61)
    assert resp.status_code == 400
    assert participants() == []


def test_each_browser_is_its_own_participant(client, walk, new_browser) -> None:
    join_walk(client, walk, role="resident")
    other = new_browser()
    assert other.get(f"/j/{walk.join_token}").status_code == 200  # not remembered there
    join_walk(other, walk, role="housing")
    assert [p.role for p in participants()] == ["resident", "housing"]


def test_joining_one_walk_does_not_join_another(client, walk, make_walk) -> None:
    join_walk(client, walk)
    second = make_walk(title="Anden vandring")
    assert client.get(f"/j/{second.join_token}").status_code == 200
    assert client.get(f"/w/{second.join_token}/new").status_code == 302


def test_closed_walk_shows_a_message_and_refuses_joining(client, make_walk, kit) -> None:
    kit.english(client)
    walk = make_walk(status="closed")
    resp = client.get(f"/j/{walk.join_token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "This walk is closed." in html
    assert 'name="role"' not in html

    resp = join_walk(client, walk, role="resident")
    assert resp.status_code == 409
    assert "This walk is closed." in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_planned_walk_can_be_joined_in_advance(client, make_walk) -> None:
    walk = make_walk(status="planned")
    assert join_walk(client, walk).status_code == 302
    assert len(participants()) == 1
