"""Issue 8 through the pages: creating each new shape of criterion (with its errors), values
per period, and the dashboard showing value, target, trend and status in words."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from stats_fixtures import login, make_area, make_criterion, make_item, make_obs, make_user, utc

from fieldapp.extensions import db
from fieldapp.stats.models import CriterionValue, SuccessCriterion

TODAY = date(2026, 11, 25)


@pytest.fixture
def coordinator(client, app, monkeypatch):
    monkeypatch.setattr("fieldapp.stats.views.today", lambda: TODAY)
    monkeypatch.setattr("fieldapp.stats.forms.today", lambda: TODAY)
    return login(client, make_user("coordinator", "koordinator@example.dk"))


def card(page: str, title: str) -> str:
    start = page.index(f">{html.escape(title)}</h2>")
    return page[start : page.find("</article>", start)]


def headline_status(fragment: str) -> str:
    return re.search(r'crit-now">.*?crit-status-([a-z_]+)"', fragment, re.S).group(1)


def test_yearly_change_criterion_from_the_form_to_the_dashboard(coordinator) -> None:
    area = make_area("Løvvangen")
    for year, n in ((2024, 8), (2025, 10), (2026, 8)):
        for _ in range(n):
            make_obs(utc(year, 3, 1, 10), area=area, category="vandalism")
    make_obs(utc(2026, 3, 1, 10), area=area, category="lighting")  # not vandalism
    data = {
        "title": "Anmeldelser af hærværk falder 10 % om året",
        "area_id": str(area.id),
        "kind": "yearly_change",
        "direction": "at_most",
        "target": "−10",  # the minus sign a word processor pastes
        "category": "graffiti-ish",
        "first_year": "2025",
        "last_year": "2026",
    }
    resp = coordinator.post("/stats/criteria/new", data=data)
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)
    resp = coordinator.post("/stats/criteria/new", data={**data, "target": "-150"})
    assert "Enter the change in per cent" in resp.get_data(as_text=True)

    resp = coordinator.post("/stats/criteria/new", data={**data, "category": "vandalism"})
    assert resp.status_code == 302
    c = db.session.query(SuccessCriterion).one()
    assert (c.kind, c.target, c.category, c.due_date) == ("yearly_change", -10, "vandalism", None)

    page = coordinator.get(f"/stats/area/{area.id}").get_data(as_text=True)
    fragment = card(page, c.title)
    # 2026: 8 so far against 10 → −20 %; pro rata to 25 November 8 × 365/329 = 8.9 → −11.2 %.
    assert "-20 %" in fragment
    assert "8 observations, 10 the year before" in fragment
    assert "about -11.2 % for the whole year" in fragment
    assert "Vandalism and graffiti down at least 10 % a year" in fragment
    assert headline_status(fragment) == "on_track"
    # Trend in words with an arrow that screen readers skip: from +25 % in 2025.
    assert re.search(
        r'<span aria-hidden="true">↓</span> Down from \+25 % \(2025\), better', fragment
    )
    assert "<svg" in fragment and "<table" in fragment  # the chart keeps its table


def test_milestone_criterion_from_the_form_to_the_dashboard(coordinator) -> None:
    area = make_area("Løvvangen")
    item = make_item(area, "Belysningsplan for Løvvangen vedtaget i udvalget")
    data = {
        "title": "Belysningsplan for Løvvangen vedtaget",
        "area_id": str(area.id),
        "kind": "milestone",
        "direction": "at_least",
        "target": "",
        "due_date": "",
        "action_item_id": str(item.id),
        "achieved_on": "2026-12-01",  # after "today"
    }
    resp = coordinator.post("/stats/criteria/new", data=data)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Enter the date the milestone must be reached by." in body
    assert "The date it was achieved cannot be in the future." in body
    assert "Belysningsplan for Løvvangen vedtaget" in body  # input kept
    resp = coordinator.post(
        "/stats/criteria/new", data={**data, "due_date": "30-06-2027", "achieved_on": ""}
    )
    assert "Enter the date as YYYY-MM-DD" in resp.get_data(as_text=True)

    resp = coordinator.post(
        "/stats/criteria/new", data={**data, "due_date": "2027-01-10", "achieved_on": ""}
    )
    assert resp.status_code == 302
    c = db.session.query(SuccessCriterion).one()
    assert (c.due_date, c.action_item_id, c.target) == (date(2027, 1, 10), item.id, 1.0)
    fragment = card(coordinator.get(f"/stats/area/{area.id}").get_data(as_text=True), c.title)
    assert headline_status(fragment) == "at_risk"  # 46 days left, open
    assert "46 days left" in fragment and "Not yet" in fragment

    # Marked achieved by hand on the edit form.
    resp = coordinator.post(
        f"/stats/criteria/{c.id}/edit",
        data={**data, "due_date": "2027-01-10", "achieved_on": "2026-11-20"},
    )
    assert resp.status_code == 302
    fragment = card(coordinator.get(f"/stats/area/{area.id}").get_data(as_text=True), c.title)
    assert headline_status(fragment) == "achieved"
    assert "Nov 20, 2026" in fragment


def test_values_per_half_year_with_source(coordinator) -> None:
    area = make_area("Løvvangen")
    c = make_criterion(area, "manual", 66.3, title="Politiets tryghedsindeks", first_year=2025)
    url = f"/stats/criteria/{c.id}/values"
    assert "First half-year" in coordinator.get(url).get_data(as_text=True)
    resp = coordinator.post(url, data={"year": "2025", "period": "H3", "value": "63"})
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)
    for period, value in (("H1", "63"), ("H2", "64,1"), ("H2", "64,2")):
        resp = coordinator.post(
            url, data={"year": "2025", "period": period, "value": value, "source": "PTI"}
        )
        assert resp.status_code == 302
    coordinator.post(url, data={"year": "2026", "period": "H1", "value": "65", "source": "PTI"})
    values = db.session.query(CriterionValue).filter_by(criterion_id=c.id).all()
    assert sorted((v.year, v.period, v.value) for v in values) == [
        (2025, "H1", 63.0),
        (2025, "H2", 64.2),  # the same period again replaces the value
        (2026, "H1", 65.0),
    ]
    page = coordinator.get(url).get_data(as_text=True)
    assert "2nd half of 2025" in page

    fragment = card(coordinator.get(f"/stats/area/{area.id}").get_data(as_text=True), c.title)
    assert headline_status(fragment) == "at_risk"  # 65 so far in 2026, under 66.3
    assert "1st half of 2026 · PTI" in fragment
    assert "Up from 64.2 (2nd half of 2025), better" in fragment


def test_milestone_form_lists_only_the_chosen_areas_plan_items(coordinator) -> None:
    lovvangen, vejgaard = make_area("Løvvangen"), make_area("Vejgård")
    own = make_item(lovvangen, "Belysningsplan for Løvvangen")
    other = make_item(vejgaard, "Ny sti i Vejgård")
    page = coordinator.get(f"/stats/criteria/new?area={lovvangen.id}").get_data(as_text=True)
    assert "Belysningsplan for Løvvangen" in page and "Ny sti i Vejgård" not in page
    # The whole municipality may be reached by any area's item.
    page = coordinator.get("/stats/criteria/new").get_data(as_text=True)
    assert "Belysningsplan for Løvvangen" in page and "Ny sti i Vejgård" in page

    data = {
        "title": "Belysningsplan vedtaget",
        "area_id": str(lovvangen.id),
        "kind": "milestone",
        "direction": "at_least",
        "due_date": "2027-01-10",
        "action_item_id": str(other.id),  # posted by hand: Vejgård's item for Løvvangen
    }
    resp = coordinator.post("/stats/criteria/new", data=data)
    assert resp.status_code == 400
    body = html.unescape(resp.get_data(as_text=True))
    assert "That action item belongs to another area's plan." in body
    assert 'value="Belysningsplan vedtaget"' in body  # what was typed is kept
    assert "Ny sti i Vejgård" not in body  # the list re-rendered for the posted area
    assert db.session.query(SuccessCriterion).count() == 0

    resp = coordinator.post("/stats/criteria/new", data={**data, "action_item_id": "999999"})
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)

    # Switching the area to Vejgård re-validates against Vejgård's plan.
    resp = coordinator.post("/stats/criteria/new", data={**data, "area_id": str(vejgaard.id)})
    assert resp.status_code == 302
    c = db.session.query(SuccessCriterion).one()
    assert (c.area_id, c.action_item_id) == (vejgaard.id, other.id)
    page = coordinator.get(f"/stats/criteria/{c.id}/edit").get_data(as_text=True)
    assert "Ny sti i Vejgård" in page and "Belysningsplan for Løvvangen" not in page
    resp = coordinator.post(
        f"/stats/criteria/{c.id}/edit", data={**data, "action_item_id": str(own.id)}
    )
    assert resp.status_code == 302
    db.session.refresh(c)
    assert (c.area_id, c.action_item_id) == (lovvangen.id, own.id)
