"""Analyses on small hand-made fixtures: local time across summer time, hot spots, medians."""

from __future__ import annotations

import json
from datetime import date

import pytest
from stats_fixtures import (
    LAT,
    LON,
    MIDTBYEN_BOX,
    login,
    make_admin,
    make_area,
    make_issue,
    make_obs,
    make_user,
    make_walk,
    utc,
)

from fieldapp.extensions import db
from fieldapp.stats import analyses
from fieldapp.stats.analyses import Scope

TZ = "Europe/Copenhagen"


@pytest.fixture
def areas(app):
    return make_area("Løvvangen"), make_area("Midtbyen", MIDTBYEN_BOX)


def test_time_of_day_follows_copenhagen_time_across_summer_time(areas) -> None:
    lov, _midt = areas
    # 04:30 UTC is 05:30 in winter (night) but 06:30 in summer (morning); summer time
    # started on 29 March 2026. 08:30 UTC: 09:30 (morning) in winter, 10:30 (day) in summer.
    make_obs(utc(2026, 3, 28, 4, 30), area=lov)
    make_obs(utc(2026, 3, 30, 4, 30), area=lov)
    make_obs(utc(2026, 3, 28, 8, 30), area=lov)
    make_obs(utc(2026, 3, 30, 8, 30), area=lov)
    # 31 October 23:30 UTC is already 1 November 00:30 in Copenhagen (winter time again).
    make_obs(utc(2026, 10, 31, 23, 30), area=lov)
    # 16:30 UTC in October after the change: 17:30, evening.
    make_obs(utc(2026, 10, 27, 16, 30), area=lov)
    heat = analyses.time_of_day_by_month(db.session, Scope(lov.id), TZ)
    assert heat.counts == {
        ("night", 3): 1,
        ("morning", 3): 2,
        ("day", 3): 1,
        ("night", 11): 1,
        ("evening", 10): 1,
    }
    assert heat.total == 6
    assert heat.row_total("morning") == 2
    assert heat.month_total(3) == 4
    # The period is whole local days: 1 November (local) excludes the 31 October 23:30 UTC one.
    late = analyses.time_of_day_by_month(
        db.session, Scope(lov.id, date(2026, 11, 1), date(2026, 11, 30)), TZ
    )
    assert late.counts == {("night", 11): 1}


def test_hot_spots_group_about_100_m_cells_by_category(areas) -> None:
    lov, _midt = areas
    at = utc(2026, 10, 6, 17)
    make_obs(at, area=lov, category="lighting", lat=57.06901, lon=9.91001)
    make_obs(at, area=lov, category="lighting", lat=57.06905, lon=9.91010)
    make_obs(at, area=lov, category="waste", lat=57.06899, lon=9.91005)
    make_obs(at, area=lov, category="waste", lat=57.0705, lon=9.9130)  # ~230 m away
    make_obs(at, area=lov, category="waste", lat=None, lon=None)  # no position: not on the map
    spots = analyses.hot_spots(db.session, Scope(lov.id), TZ)
    assert [s.total for s in spots] == [3, 1]
    assert dict(spots[0].categories) == {"lighting": 2, "waste": 1}
    assert spots[0].lat == pytest.approx(57.069, abs=0.001)
    assert spots[0].lon == pytest.approx(9.910, abs=0.002)


def test_median_days_from_forwarding_to_resolution_per_administration(areas) -> None:
    lov, midt = areas
    parks, police = make_admin(), make_admin("Nordjyllands Politi", "Nærpolitiet")
    created = utc(2026, 5, 4, 8)
    for days in (3, 5, 11):  # forwarded after 1 day → 2, 4, 10 days → median 4
        make_issue(created, area=lov, admin=parks, forwarded_after=1, resolved_after=days)
    for days in (2, 4):  # → 1 and 3 days → median 2
        make_issue(created, area=lov, admin=police, forwarded_after=1, resolved_after=days)
    make_issue(created, area=lov, admin=police, forwarded_after=1)  # open: not counted
    make_issue(created, area=midt, admin=police, forwarded_after=1, resolved_after=100)
    rows = analyses.median_resolution(db.session, Scope(lov.id), TZ)
    assert [(r.administration, r.count, r.median_days) for r in rows] == [
        ("By- og Landskabsforvaltningen", 3, pytest.approx(4)),
        ("Nordjyllands Politi", 2, pytest.approx(2)),
    ]
    # Only issues resolved in the period: from 8 May that is 9 and 15 May, and 8 May.
    later = Scope(lov.id, date(2026, 5, 8), date(2026, 6, 30))
    rows = analyses.median_resolution(db.session, later, TZ)
    assert [(r.short_name, r.count, r.median_days) for r in rows] == [
        ("Park og Vej", 2, pytest.approx(7)),
        ("Nærpolitiet", 1, pytest.approx(3)),
    ]


def test_open_closed_trend_per_local_month(areas) -> None:
    lov, _midt = areas
    make_issue(utc(2026, 9, 10, 8), area=lov, forwarded_after=1, resolved_after=30)  # closed Oct
    make_issue(utc(2026, 9, 30, 22, 30), area=lov)  # 00:30 on 1 October local: opened Oct
    make_issue(utc(2026, 10, 2, 8), area=lov, status="rejected")  # not a status event: open
    trend = analyses.open_closed_trend(
        db.session, Scope(lov.id, date(2026, 9, 1), date(2026, 11, 30)), TZ, date(2026, 11, 25)
    )
    assert trend.months == [(2026, 9), (2026, 10), (2026, 11)]
    assert trend.opened == [1, 2, 0]
    assert trend.closed == [0, 1, 0]


def test_safety_feeling_per_area_and_per_walk(areas) -> None:
    lov, midt = areas
    walk = make_walk(lov, utc(2026, 10, 6, 16), title="Aftenvandring")
    make_obs(utc(2026, 10, 6, 16, 5), walk=walk, safety=2)
    make_obs(utc(2026, 10, 6, 16, 10), walk=walk, safety=4)
    make_obs(utc(2026, 10, 7, 9), area=midt, safety=5)
    make_obs(utc(2026, 10, 7, 9), area=midt, safety=None)
    by_area = analyses.safety_by_area(db.session, Scope(), TZ)
    assert [(p.name, p.average, p.count) for p in by_area] == [
        ("Løvvangen", 3.0, 2),
        ("Midtbyen", 5.0, 1),
    ]
    by_walk = analyses.safety_by_walk(db.session, Scope(lov.id), TZ)
    assert [(p.name, p.average, p.count) for p in by_walk] == [("Aftenvandring", 3.0, 2)]


def test_default_period_is_the_last_twelve_months() -> None:
    assert analyses.default_period(date(2026, 11, 25)) == (date(2025, 12, 1), date(2026, 11, 25))
    assert analyses.default_period(date(2026, 1, 3)) == (date(2025, 2, 1), date(2026, 1, 3))


@pytest.fixture
def coordinator(client, app):
    return login(client, make_user("coordinator", "koordinator@example.dk"))


def test_analyses_page_and_map_data(coordinator, areas) -> None:
    lov, midt = areas
    walk = make_walk(lov, utc(2026, 10, 6, 16))
    make_obs(
        utc(2026, 10, 6, 16, 5),
        walk=walk,
        area=lov,
        safety=2,
        category="lighting",
        reporter_email="hemmelig@example.dk",
        email_consent=True,
        text="Mørk sti",
    )
    make_obs(utc(2026, 10, 6, 16, 5), area=midt, safety=4, lat=57.045, lon=9.92)
    resp = coordinator.get(f"/stats/analyses/?area={lov.id}&from=2026-01-01&to=2026-12-31")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for heading in (
        "Hot spots",
        "Time of day and month",
        "Safety feeling per place",
        "Median time to resolution per administration",
        "Issues opened and closed per month",
    ):
        assert heading in page
    assert 'role="img"' in page and "<table" in page

    data = json.loads(
        coordinator.get(
            f"/stats/analyses/observations.geojson?area={lov.id}&from=2026-01-01"
        ).get_data(as_text=True)
    )
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[LON, LAT]]
    assert "hemmelig" not in json.dumps(data)
    assert data["truncated"] is False


def test_bad_filters_get_a_message_and_a_400(coordinator, areas) -> None:
    resp = coordinator.get("/stats/analyses/?from=31-12-2026&area=abc")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Enter the date as YYYY-MM-DD" in body
    assert "Choose an area from the list." in body
    resp = coordinator.get("/stats/analyses/?from=2026-12-01&to=2026-01-01")
    assert resp.status_code == 400
    assert "The end date is before the start date." in resp.get_data(as_text=True)
    for extreme in ("from=0001-01-01", "to=9999-12-31"):
        resp = coordinator.get(f"/stats/analyses/?{extreme}")
        assert resp.status_code == 400
        assert "Choose a date between 1990 and 2100." in resp.get_data(as_text=True)
    resp = coordinator.get("/stats/analyses/observations.geojson?to=never")
    assert resp.status_code == 400
    assert resp.is_json
