"""The dashboard shows the hand-computed figures and statuses, as a chart and as a table."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from stats_fixtures import (
    login,
    make_area,
    make_criterion,
    make_item,
    make_user,
    utc,
)

from fieldapp.extensions import db
from fieldapp.stats.models import CriterionValue, SuccessCriterion

TODAY = date(2026, 11, 25)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr("fieldapp.stats.views.today", lambda: TODAY)


@pytest.fixture
def coordinator(client, app, fixed_today):
    login(client, make_user("coordinator", "koordinator@example.dk"))
    return client


@pytest.fixture
def lovvangen(app):
    area = make_area("Løvvangen")
    for month in (3, 6, 10):
        make_item(
            area, "Initiativ", status="done", initiative=True, completed_at=utc(2026, month, 1, 12)
        )
    for month in (4, 9):
        make_item(
            area, "Initiativ", status="done", initiative=True, completed_at=utc(2025, month, 1, 12)
        )
    make_criterion(
        area,
        "initiatives_per_year",
        3,
        title="Mindst 3 initiativer om året",
        first_year=2025,
        last_year=2027,
    )
    return area


def card_html(page: str, title: str) -> str:
    start = page.index(f">{html.escape(title)}</h2>")
    end = page.find("</article>", start)
    return page[start:end]


def table_rows(fragment: str) -> dict[str, tuple[str, str]]:
    """{year: (actual, status text)} from a results table."""
    rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="num">([^<]+)</td>.*?'
        r'crit-status-[a-z_]+"><span aria-hidden="true">[^<]*</span> ([^<]+)</span>',
        fragment,
        re.S,
    )
    return {year.strip(): (actual.strip(), status.strip()) for year, actual, status in rows}


def test_dashboard_shows_actual_target_and_status_per_year(coordinator, lovvangen) -> None:
    resp = coordinator.get(f"/stats/area/{lovvangen.id}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    card = card_html(page, "Mindst 3 initiativer om året")
    assert table_rows(card) == {
        "2025": ("2", "Missed"),
        "2026": ("3", "Achieved"),
        "2027": ("–", "No data"),
    }
    assert "at least 3 a year" in card
    # The headline status for this year, in words.
    assert re.search(r"2026:\s*<span class=\"badge crit-status crit-status-achieved\">", card)


def test_chart_is_an_image_with_a_label_and_the_table_below_has_its_numbers(
    coordinator, lovvangen
) -> None:
    page = coordinator.get(f"/stats/area/{lovvangen.id}").get_data(as_text=True)
    card = card_html(page, "Mindst 3 initiativer om året")
    svg = re.search(r"<svg[^>]*>.*?</svg>", card, re.S)
    assert svg, "no chart"
    tag = svg.group(0)
    assert 'role="img"' in tag
    label = re.search(r'aria-label="([^"]+)"', tag).group(1)
    assert "Mindst 3 initiativer om året" in html.unescape(label)
    assert "2025" in label and "2027" in label
    # The table comes right after the chart, before anything else in the card.
    after = card[svg.end() :]
    assert after.index("<table") < min(
        i for i in (after.find("<section"), after.find("<article"), len(after)) if i >= 0
    )
    texts = {t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", tag)}
    for _year, (actual, _status) in table_rows(card).items():
        assert actual in texts  # every number of the table is drawn ("–" for no data)
    assert "Target 3" in texts


def test_manual_values_are_validated_and_shown(coordinator, app) -> None:
    area = make_area("Løvvangen")
    criterion = make_criterion(
        area,
        "manual",
        66.3,
        title="Politiets tryghedsindeks",
        baseline=60.9,
        baseline_year=2015,
        first_year=2024,
        last_year=2026,
    )
    url = f"/stats/criteria/{criterion.id}/values"
    resp = coordinator.post(url, data={"year": "2O25", "value": "abc", "source": "Indeks"})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Enter the year as four digits" in body
    assert "Enter a number" in body
    assert 'value="Indeks"' in body  # what was typed stays
    assert coordinator.post(url, data={"year": "2025", "value": "nan"}).status_code == 400
    assert coordinator.post(url, data={"year": "1850", "value": "1"}).status_code == 400

    assert (
        coordinator.post(
            url, data={"year": "2025", "value": "64,1", "source": "PTI 2025"}
        ).status_code
        == 302
    )
    assert coordinator.post(url, data={"year": "2025", "value": "67"}).status_code == 302
    values = db.session.query(CriterionValue).filter_by(criterion_id=criterion.id).all()
    assert [(v.year, v.value) for v in values] == [(2025, 67.0)]

    page = coordinator.get(f"/stats/area/{area.id}").get_data(as_text=True)
    rows = table_rows(card_html(page, "Politiets tryghedsindeks"))
    assert rows["2025"] == ("67", "Achieved")
    assert rows["2026"] == ("–", "No data")
    assert "Baseline 60.9 (2015)" in page  # the baseline line of the chart


def test_criterion_form_validates_by_kind_and_keeps_input(coordinator, app) -> None:
    area = make_area("Løvvangen")
    data = {
        "title": "80 % løst inden for 90 dage",
        "area_id": str(area.id),
        "kind": "share_resolved_within_days",
        "direction": "at_least",
        "target": "180",
        "days": "",
        "first_year": "2027",
        "last_year": "2024",
    }
    resp = coordinator.post("/stats/criteria/new", data=data)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "A share is at most 100 %." in body
    assert "Enter the number of days, e.g. 90." in body
    assert "The last year is before the first year." in body
    assert "80 % løst inden for 90 dage" in body

    data.update(target="80", days="90", first_year="2024", last_year="2027")
    resp = coordinator.post("/stats/criteria/new", data=data)
    assert resp.status_code == 302
    criterion = db.session.query(SuccessCriterion).one()
    assert (criterion.kind, criterion.days, criterion.area_id) == (
        "share_resolved_within_days",
        90,
        area.id,
    )
    resp = coordinator.post(
        f"/stats/criteria/{criterion.id}/edit",
        data={**data, "kind": "walks_per_year", "target": "2"},
    )
    assert resp.status_code == 302
    db.session.refresh(criterion)
    assert (criterion.kind, criterion.days, criterion.target) == ("walks_per_year", None, 2)
    assert coordinator.post(f"/stats/criteria/{criterion.id}/delete").status_code == 302
    assert db.session.query(SuccessCriterion).count() == 0


def test_unknown_kind_and_area_are_refused(coordinator, app) -> None:
    resp = coordinator.post(
        "/stats/criteria/new",
        data={
            "title": "X",
            "kind": "vibes",
            "target": "1",
            "area_id": "999",
        },
    )
    assert resp.status_code == 400
    assert resp.get_data(as_text=True).count("Choose an option from the list.") >= 2


def test_only_coordinators_see_the_dashboards(client, app) -> None:
    from stats_fixtures import make_admin

    assert "/login" in client.get("/stats/").location
    staff = make_user("staff", "staff@example.dk", make_admin())
    login(client, staff)
    for url in ("/stats/", "/stats/criteria", "/stats/analyses/", "/stats/criteria/new"):
        assert client.get(url).status_code == 403, url
