"""Issue 8: every shape of success criterion and each status rule, against hand-computed rows.

Shapes: a count per year, a share, a yearly change in one category, values entered by hand per
period (the police's safety index), and a milestone with a date. Rows that must not count
(another category, another area, another year) are added so a wrong filter changes the figure.
"""

from __future__ import annotations

from datetime import date

import pytest
from stats_fixtures import (
    MIDTBYEN_BOX,
    make_area,
    make_criterion,
    make_item,
    make_obs,
    utc,
)

from fieldapp.extensions import db
from fieldapp.stats.progress import (
    achieved_on,
    criterion_results,
    milestone_result,
    standing,
    status_for,
    trend,
    year_fraction,
    year_result,
)

TZ = "Europe/Copenhagen"
IN_2026 = date(2026, 6, 1)  # day 152 of 365
IN_2027 = date(2027, 2, 1)


@pytest.fixture
def areas(app):
    return make_area("Løvvangen"), make_area("Midtbyen", MIDTBYEN_BOX)


def _vandalism(area, when, n, category="vandalism"):
    for _ in range(n):
        make_obs(when, area=area, category=category)


# --- yearly change ------------------------------------------------------------------------------


@pytest.fixture
def vandalism(areas):
    """8 reports in 2024, 10 in 2025; in 2026 5 by May and 3 in October (8: −20 %)."""
    lov, midt = areas
    _vandalism(lov, utc(2024, 5, 1, 10), 8)
    _vandalism(lov, utc(2025, 3, 1, 10), 10)
    _vandalism(lov, utc(2026, 2, 1, 10), 3)
    _vandalism(lov, utc(2026, 5, 20, 10), 2)
    _vandalism(lov, utc(2026, 10, 1, 10), 3)
    # Not counted: other categories, the other area.
    _vandalism(lov, utc(2026, 2, 1, 10), 4, category="lighting")
    _vandalism(midt, utc(2026, 2, 1, 10), 9)
    return make_criterion(
        lov,
        "yearly_change",
        -10,
        direction="at_most",
        category="vandalism",
        first_year=2025,
        last_year=2026,
    )


def test_yearly_change_of_vandalism_reports_over_a_finished_year(vandalism) -> None:
    results = {r.year: r for r in criterion_results(db.session, vandalism, IN_2027, TZ)}
    # 2025: (10 − 8) / 8 = +25 %, over −10 → missed; 2026: (8 − 10) / 10 = −20 % → achieved.
    assert (results[2025].actual, results[2025].count, results[2025].base) == (25.0, 10, 8)
    assert results[2025].status == "missed"
    assert (results[2026].actual, results[2026].count, results[2026].base) == (-20.0, 8, 10)
    assert results[2026].status == "achieved"
    # Down from +25 % to −20 %: for a target that must stay low, better.
    t = results[2026].trend
    assert (t.change, t.better, t.previous, t.previous_year) == ("down", True, 25.0, 2025)


def test_yearly_change_in_the_year_in_progress_is_taken_pro_rata(vandalism) -> None:
    # As the data stood on 30 June 2026 (day 181): 5 reports → 5 × 365/181 = 10.08 for the
    # year, +0.8 % against 10 → at risk of missing "at most −10 %".
    r = year_result(db.session, vandalism, 2026, date(2026, 6, 30), TZ, cut=True)
    assert (r.count, r.base, r.actual) == (5, 10, -50.0)
    assert r.projected == pytest.approx(100 * (5 * 365 / 181 - 10) / 10)
    assert r.status == "at_risk"


def test_yearly_change_with_a_quiet_first_half_is_on_track(areas) -> None:
    lov, _midt = areas
    _vandalism(lov, utc(2025, 3, 1, 10), 10)
    _vandalism(lov, utc(2026, 3, 1, 10), 3)  # 3 × 365/152 = 7.2 → −28 %
    c = make_criterion(lov, "yearly_change", -10, direction="at_most", category="vandalism")
    r = year_result(db.session, c, 2026, IN_2026, TZ)
    assert r.status == "on_track"
    assert r.projected == pytest.approx(100 * (3 * 365 / 152 - 10) / 10)


def test_yearly_change_from_nothing_has_no_value(areas) -> None:
    lov, _midt = areas
    _vandalism(lov, utc(2026, 3, 1, 10), 3)
    c = make_criterion(lov, "yearly_change", -10, direction="at_most", category="vandalism")
    assert year_result(db.session, c, 2026, IN_2027, TZ).status == "no_data"


# --- values entered by hand per period --------------------------------------------------------


@pytest.fixture
def index(areas):
    lov, _midt = areas
    c = make_criterion(
        lov, "manual", 66.3, baseline=60.9, baseline_year=2015, first_year=2025, last_year=2026
    )
    from fieldapp.stats.models import CriterionValue

    for year, period, value in ((2025, "H1", 63.0), (2025, "H2", 64.1), (2026, "H1", 65.0)):
        c.values.append(CriterionValue(year=year, period=period, value=value, source="PTI"))
    db.session.commit()
    return c


def test_index_per_half_year_takes_the_latest_period(index) -> None:
    results = {r.year: r for r in criterion_results(db.session, index, date(2026, 11, 25), TZ)}
    assert (results[2025].actual, results[2025].period, results[2025].status) == (
        64.1,
        "H2",
        "missed",
    )
    assert (results[2026].actual, results[2026].period, results[2026].status) == (
        65.0,
        "H1",
        "at_risk",  # under 66.3 so far, and the year is not over
    )
    t = results[2026].trend  # against the previous value entered: 2nd half of 2025
    assert (t.change, t.better, t.previous, t.previous_year, t.previous_period) == (
        "up",
        True,
        64.1,
        2025,
        "H2",
    )


def test_a_whole_year_value_wins_over_the_half_years(index) -> None:
    from fieldapp.stats.models import CriterionValue

    index.values.append(CriterionValue(year=2025, period="", value=66.5, source="PTI 2025"))
    db.session.commit()
    r = year_result(db.session, index, 2025, IN_2027, TZ)
    assert (r.actual, r.period, r.status) == (66.5, "", "achieved")


def test_half_year_status_counts_only_periods_ended_by_then(index) -> None:
    r = year_result(db.session, index, 2026, date(2026, 6, 30), TZ, cut=True)
    assert (r.actual, r.status) == (65.0, "at_risk")
    r = year_result(db.session, index, 2026, date(2026, 6, 29), TZ, cut=True)
    assert (r.actual, r.status) == (None, "no_data")


# --- milestones -------------------------------------------------------------------------------


@pytest.fixture
def lighting_plan(areas):
    lov, _midt = areas
    item = make_item(lov, "Belysningsplan for Løvvangen vedtaget", deadline=date(2027, 6, 30))
    return make_criterion(
        lov,
        "milestone",
        1,
        title="Belysningsplan vedtaget",
        due_date=date(2027, 6, 30),
        action_item_id=item.id,
    )


@pytest.mark.parametrize(
    ("as_of", "status", "days_left"),
    [
        (date(2026, 11, 25), "on_track", 217),
        (date(2027, 4, 30), "on_track", 61),
        (date(2027, 5, 1), "at_risk", 60),  # within 60 days and open
        (date(2027, 6, 30), "at_risk", 0),
        (date(2027, 7, 1), "missed", None),  # the date has passed
    ],
)
def test_open_milestone_status_by_its_date(lighting_plan, as_of, status, days_left) -> None:
    m = milestone_result(lighting_plan, as_of, TZ)
    assert (m.status, m.days_left, m.achieved_on) == (status, days_left, None)


def test_milestone_is_achieved_when_its_action_item_is_done(lighting_plan) -> None:
    item = lighting_plan.action_item
    item.status = "done"
    item.completed_at = utc(2027, 3, 9, 23, 30)  # 10 March 00:30 in Copenhagen
    db.session.commit()
    assert achieved_on(lighting_plan, TZ) == date(2027, 3, 10)
    m = milestone_result(lighting_plan, date(2027, 4, 1), TZ)
    assert (m.status, m.achieved_on) == ("achieved", date(2027, 3, 10))
    # The yearly report for 2026 tells it as of 31 December 2026: not reached yet.
    s = standing(db.session, lighting_plan, 2026, date(2026, 12, 31), TZ)
    assert (s.status, s.result) == ("on_track", None)


def test_milestone_marked_achieved_by_hand_after_its_date(lighting_plan) -> None:
    lighting_plan.achieved_on = date(2027, 7, 15)
    db.session.commit()
    assert milestone_result(lighting_plan, date(2027, 7, 10), TZ).status == "missed"
    assert milestone_result(lighting_plan, date(2027, 7, 15), TZ).status == "achieved"


# --- the rules for counts, shares and trends ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "target", "direction", "projected", "expected"),
    [
        ("initiatives_per_year", 2, 3, "at_least", 4.8, "on_track"),
        ("initiatives_per_year", 1, 3, "at_least", 1.1, "at_risk"),
        ("initiatives_per_year", 3, 3, "at_least", 3.5, "achieved"),  # reached: counts only grow
        ("inquiries_per_year", 11, 10, "at_most", 20, "missed"),  # over already
        ("inquiries_per_year", 6, 10, "at_most", 12, "at_risk"),
        ("inquiries_per_year", 4, 10, "at_most", 8, "on_track"),
        ("share_resolved_within_days", 85, 80, "at_least", None, "on_track"),
        ("share_resolved_within_days", 70, 80, "at_least", None, "at_risk"),
        ("safety_average", 3.4, 3.5, "at_least", None, "at_risk"),
    ],
)
def test_status_in_the_year_in_progress(kind, value, target, direction, projected, expected):
    assert status_for(kind, value, target, direction, False, projected) == expected


def test_share_of_the_year_gone() -> None:
    assert year_fraction(2026, date(2026, 1, 1)) == pytest.approx(1 / 365)
    assert year_fraction(2026, date(2026, 6, 1)) == pytest.approx(152 / 365)
    assert year_fraction(2026, date(2026, 12, 31)) == 1.0
    assert year_fraction(2026, date(2025, 12, 31)) == 0.0


def test_trend_words_follow_the_direction_of_the_target() -> None:
    assert trend(4, 2, "at_least", 2025).better is True
    assert trend(4, 2, "at_most", 2025).better is False
    assert trend(2.04, 2.0, "at_least", 2025).change == "same"  # equal as shown
    assert trend(None, 2, "at_least", 2025) is None


def test_count_criterion_trend_compares_the_projection_with_last_year(areas) -> None:
    lov, _midt = areas
    for month in (2, 3):
        make_item(
            lov, "Initiativ", status="done", initiative=True, completed_at=utc(2025, month, 1)
        )
    make_item(lov, "Initiativ", status="done", initiative=True, completed_at=utc(2026, 3, 1, 12))
    c = make_criterion(lov, "initiatives_per_year", 3)
    r = year_result(db.session, c, 2026, IN_2026, TZ)
    # 1 by 1 June → 2.4 for the year, against 2 in 2025: up, and at risk of missing 3.
    assert (r.actual, r.status, r.trend.change, r.trend.previous) == (1, "at_risk", "up", 2)
