"""The needs-attention page and the start page's counts, through HTTP."""

from __future__ import annotations

import pytest
from attention_fixtures import *  # noqa: F403  (its pytest fixtures)
from attention_fixtures import NOW, PASSWORD, add_issues
from conftest import english


@pytest.fixture(autouse=True)
def pages_at_now(monkeypatch):
    """The pages read the clock, the town's dates are days before NOW (a fixed day): without
    this, from two weeks after NOW the town's inbox issue is stale and the page lists it."""
    monkeypatch.setattr("fieldapp.attention.views.utcnow", lambda: NOW)
    monkeypatch.setattr("fieldapp.walks.views.utcnow", lambda: NOW)


def login(client, email: str):
    english(client)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_coordinator_sees_every_organisation_and_can_narrow_to_one(client, town) -> None:
    login(client, "anna@example.dk")
    page = client.get("/attention/").get_data(as_text=True)
    for text in (
        "Mørk sti",
        "Knust lampe",
        "Tilgroet hæk",
        "Brændbart affald",
        "Beskær hækken",
        "Vandring i Løvvangen",
        "Beredskabscenter Nordjylland",
    ):
        assert text in page
    assert "Lampe skiftet" not in page and "Ny observation" not in page
    page = client.get(f"/attention/?org={town.police.id}").get_data(as_text=True)
    assert "Brændbart affald" in page and "Mørk sti" not in page


def test_staff_see_their_own_organisation_only(client, town) -> None:
    login(client, "per@example.dk")
    page = client.get("/attention/").get_data(as_text=True)
    assert "Brændbart affald" in page and "Mørk sti" not in page
    assert 'name="org"' not in page
    assert client.get(f"/attention/?org={town.parks.id}").status_code == 404


def test_bad_links_are_4xx_with_a_message(client, town) -> None:
    login(client, "anna@example.dk")
    resp = client.get("/attention/?after=abc")
    assert resp.status_code == 400
    assert "The link is not valid" in resp.get_data(as_text=True)
    assert client.get("/attention/?org=999999").status_code == 404
    assert client.get("/attention/?source=nonsense").status_code == 404


def test_one_source_pages_on(client, town) -> None:
    from fieldapp.extensions import db
    from fieldapp.triage.models import Issue

    add_issues(town.parks, 30, "Affald", "waste")
    login(client, "anna@example.dk")
    overview = client.get("/attention/").get_data(as_text=True)
    assert "Show all 31" in overview
    first = client.get("/attention/?source=unowned_issues").get_data(as_text=True)
    assert "Affald 23" in first and "Affald 24" not in first and "Next page" in first
    after = max(i.id for i in db.session.query(Issue).filter(Issue.title == "Affald 23"))
    second = client.get(f"/attention/?source=unowned_issues&after={after}").get_data(as_text=True)
    assert "Affald 24" in second and "Affald 29" in second and "Next page" not in second


def test_start_page_counts(client, town) -> None:
    login(client, "anna@example.dk")
    page = client.get("/walks/").get_data(as_text=True)
    assert "Needs attention" in page
    assert "<strong>1</strong> Organisations without active members" in page
    assert "<strong>2</strong> Overdue items" in page


def test_counts_above_the_cap_read_as_cap_plus(client, town, monkeypatch) -> None:
    from fieldapp.attention import services, views

    add_issues(town.parks, 3, "Ekstra")
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    monkeypatch.setattr(services, "COUNT_CAP", 2)
    login(client, "anna@example.dk")
    page = client.get("/attention/").get_data(as_text=True)
    assert 'Routed issues without an owner <span class="count">(2+)</span>' in page
    start = client.get("/walks/").get_data(as_text=True)
    assert "<strong>2+</strong> Open items with no owner" in start
