"""Inputs the form fuzzer found to give a 500: NUL characters, a non-ASCII duplicate name and an
area number too large for the database."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.orgs.models import Administration


def test_nul_characters_are_dropped_and_the_rest_is_kept(client, auth, kit) -> None:
    kit.english(client)
    auth.login("coordinator")
    resp = client.post(
        "/groups/new",
        data={"name": "Tryghed\x00sgruppen", "area_id": "", "description": "Beboere\x00 og politi"},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    group = db.session.scalar(select(LocalGroup))
    assert (group.name, group.description) == ("Tryghedsgruppen", "Beboere og politi")
    # In a query string too (PostgreSQL would refuse it in the search).
    assert client.get("/triage/?q=lampe\x00").status_code == 200


def test_a_second_administration_with_a_non_ascii_name_is_refused_with_a_message(
    client, auth, kit
) -> None:
    kit.english(client)
    auth.login("admin")
    data = {"name": "Ørestad Ò-forvaltning", "kind": "municipality", "active": "y"}
    assert client.post("/admin/administrations/new", data=data).status_code == 302
    resp = client.post("/admin/administrations/new", data=data)
    assert resp.status_code == 400
    assert "already exists" in resp.get_data(as_text=True)
    assert len(db.session.scalars(select(Administration)).all()) == 1


def test_an_area_number_too_large_for_the_database_is_refused_with_a_message(coordinator) -> None:
    """The criterion form lists the chosen area's action items: a posted area id beyond a
    64-bit integer must get the form's error, not reach the database (SQLite raised an
    OverflowError)."""
    resp = coordinator.post(
        "/stats/criteria/new",
        data={"name": "Tre indsatser", "shape": "milestone", "area_id": str(2**70)},
    )
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)
