"""Success-criterion figures against a hand-computed fixture (the issue's "Bar" item).

Each test builds the rows it counts plus rows that must not count (other area, other year,
wrong status), so a wrong filter changes the figure.
"""

from __future__ import annotations

from datetime import date

import pytest
from stats_fixtures import (
    MIDTBYEN_BOX,
    make_admin,
    make_area,
    make_criterion,
    make_issue,
    make_item,
    make_meeting,
    make_obs,
    make_walk,
    utc,
)

from fieldapp.extensions import db
from fieldapp.stats import criteria
from fieldapp.stats.criteria import (
    criterion_years,
    initiatives_per_year,
    inquiries_per_year,
    meetings_per_year,
    resolution_share,
    safety_average,
    share_resolved_within_days,
    walks_per_year,
)
from fieldapp.stats.progress import criterion_results, status_for

TZ = "Europe/Copenhagen"
IN_2026 = date(2026, 6, 1)  # "today" while 2026 is the current year
IN_2027 = date(2027, 2, 1)  # "today" once 2026 is a past year


@pytest.fixture
def areas(app):
    return make_area("Løvvangen"), make_area("Midtbyen", MIDTBYEN_BOX)


def test_three_initiatives_in_2026_meet_a_target_of_three(areas) -> None:
    lov, midt = areas
    make_item(
        lov, "Informationsmøde", status="done", initiative=True, completed_at=utc(2026, 3, 10, 11)
    )
    make_item(
        lov, "Tryghedsvandring", status="done", initiative=True, completed_at=utc(2026, 10, 20, 17)
    )
    # 31 Dec 2025 23:30 UTC is 1 January 2026 00:30 in Copenhagen: it counts for 2026.
    make_item(
        lov, "Nytårsvagt", status="done", initiative=True, completed_at=utc(2025, 12, 31, 23, 30)
    )
    # Not counted: not an initiative, not done, other area, another year (local time).
    make_item(lov, "Ny lampe", status="done", completed_at=utc(2026, 5, 1, 10))
    make_item(lov, "Beboermøde", status="in_progress", initiative=True)
    make_item(lov, "Aflyst", status="cancelled", initiative=True)
    make_item(
        midt, "Andet område", status="done", initiative=True, completed_at=utc(2026, 5, 1, 10)
    )
    make_item(
        lov, "Sidste år", status="done", initiative=True, completed_at=utc(2025, 12, 31, 22, 30)
    )  # 23:30 local, still 2025

    assert initiatives_per_year(db.session, lov.id, 2026, TZ) == 3
    assert initiatives_per_year(db.session, lov.id, 2025, TZ) == 1
    assert initiatives_per_year(db.session, None, 2026, TZ) == 4  # whole municipality

    criterion = make_criterion(lov, "initiatives_per_year", 3, first_year=2025, last_year=2027)
    results = {r.year: r for r in criterion_results(db.session, criterion, IN_2026, TZ)}
    assert (results[2026].actual, results[2026].status) == (3, "achieved")
    assert (results[2025].actual, results[2025].status) == (1, "missed")
    assert (results[2027].actual, results[2027].status) == (None, "no_data")


def test_two_initiatives_by_june_are_on_track_and_missed_once_the_year_is_over(areas) -> None:
    lov, _midt = areas
    for month in (2, 9):
        make_item(
            lov, "Initiativ", status="done", initiative=True, completed_at=utc(2026, month, 1, 12)
        )
    criterion = make_criterion(lov, "initiatives_per_year", 3, first_year=2026, last_year=2026)
    [now] = criterion_results(db.session, criterion, IN_2026, TZ)
    # 1 June is day 152 of 365: 2 ÷ 152/365 = 4.8 for the year, at least 3 → on track.
    assert (now.actual, now.status) == (2, "on_track")
    assert now.projected == pytest.approx(2 * 365 / 152)
    [later] = criterion_results(db.session, criterion, IN_2027, TZ)
    assert (later.actual, later.status) == (2, "missed")


def test_share_resolved_within_90_days_is_two_of_three(areas) -> None:
    lov, midt = areas
    admin = make_admin()
    created = utc(2026, 2, 2, 9)
    for days in (10, 95, 30):  # hand-computed: 10 and 30 are within 90 days → 2 of 3
        make_issue(created, area=lov, admin=admin, forwarded_after=1, resolved_after=days)
    # Not counted: open for less than 90 days, another area, another year, rejected.
    make_issue(utc(2026, 12, 20, 9), area=lov, admin=admin, forwarded_after=1)
    make_issue(created, area=midt, admin=admin, forwarded_after=1, resolved_after=200)
    make_issue(utc(2025, 12, 1, 9), area=lov, admin=admin, forwarded_after=1, resolved_after=2)
    make_issue(created, area=lov, status="rejected")

    share = resolution_share(db.session, lov.id, 2026, 90, TZ, as_of=IN_2027)
    assert (share.within, share.counted) == (2, 3)
    assert share.percent == pytest.approx(66.67, abs=0.01)
    # Open since 2 February: on 1 February 2027 it is past 90 days and counts as not within.
    make_issue(created, area=lov, admin=admin, forwarded_after=1)
    share = resolution_share(db.session, lov.id, 2026, 90, TZ, as_of=IN_2027)
    assert (share.within, share.counted) == (2, 4)
    # On 1 May 2026 it was 88 days old: not decided yet, so not counted.
    share = resolution_share(db.session, lov.id, 2026, 90, TZ, as_of=date(2026, 5, 1))
    assert (share.within, share.counted) == (2, 3)
    assert share_resolved_within_days(db.session, lov.id, 2024, 90, TZ) is None

    criterion = make_criterion(
        lov, "share_resolved_within_days", 80, days=90, first_year=2026, last_year=2026
    )
    [result] = criterion_results(db.session, criterion, IN_2027, TZ)
    assert result.actual == 50.0
    assert (result.within, result.counted, result.status) == (2, 4, "missed")


def test_a_reopened_issue_counts_from_its_last_resolution(areas) -> None:
    lov, _midt = areas
    issue = make_issue(utc(2026, 1, 5, 9), area=lov, forwarded_after=1, resolved_after=5)
    # Reopened, then resolved again 100 days after creation.
    from fieldapp.triage.models import IssueEvent

    db.session.add(
        IssueEvent(
            issue_id=issue.id,
            at=utc(2026, 1, 20, 9),
            kind="status",
            from_status="resolved",
            to_status="in_progress",
        )
    )
    db.session.add(
        IssueEvent(
            issue_id=issue.id,
            at=utc(2026, 4, 15, 9),
            kind="status",
            from_status="in_progress",
            to_status="resolved",
        )
    )
    db.session.commit()
    share = resolution_share(db.session, lov.id, 2026, 90, TZ)
    assert (share.within, share.counted) == (0, 1)


def test_safety_average_uses_the_area_of_the_observation_or_its_walk(areas) -> None:
    lov, midt = areas
    walk = make_walk(lov, utc(2026, 10, 6, 17))
    make_obs(utc(2026, 10, 6, 17, 5), area=lov, safety=2)
    make_obs(utc(2026, 10, 6, 17, 10), walk=walk, safety=3)  # no own area: the walk's counts
    make_obs(utc(2026, 10, 6, 17, 15), area=lov, safety=5)
    make_obs(utc(2026, 10, 6, 17, 20), area=lov, safety=None)  # no answer: not in the mean
    make_obs(utc(2026, 10, 6, 17, 25), area=midt, safety=1)
    make_obs(utc(2025, 10, 6, 17, 25), area=lov, safety=1)

    assert safety_average(db.session, lov.id, 2026, TZ) == pytest.approx(10 / 3)
    assert safety_average(db.session, lov.id, 2024, TZ) is None
    assert inquiries_per_year(db.session, lov.id, 2026, TZ) == 4
    criterion = make_criterion(lov, "safety_average", 3.5, first_year=2026, last_year=2026)
    [result] = criterion_results(db.session, criterion, IN_2026, TZ)
    assert result.status == "at_risk"  # 3.3 so far, under 3.5, and the year is not over


def test_walks_and_meetings_count_only_when_held_in_the_area_and_year(areas) -> None:
    lov, midt = areas
    make_walk(lov, utc(2026, 4, 1, 16))
    make_walk(lov, utc(2026, 11, 1, 16), status="running")
    make_walk(lov, utc(2026, 12, 1, 16), status="planned")  # not held yet
    make_walk(midt, utc(2026, 4, 1, 16))
    make_walk(lov, utc(2025, 4, 1, 16))
    make_meeting(lov, utc(2026, 5, 1, 16))
    make_meeting(lov, utc(2026, 12, 1, 16), status="planned")
    assert walks_per_year(db.session, lov.id, 2026, TZ) == 2
    assert walks_per_year(db.session, None, 2026, TZ) == 3
    assert meetings_per_year(db.session, lov.id, 2026, TZ) == 1


def test_inquiries_count_by_local_year(areas) -> None:
    lov, _midt = areas
    make_obs(utc(2025, 12, 31, 23, 30), area=lov)  # 00:30 on 1 January 2026 in Copenhagen
    make_obs(utc(2026, 12, 31, 22, 59), area=lov)  # 23:59 on 31 December 2026
    make_obs(utc(2026, 12, 31, 23, 0), area=lov)  # 00:00 on 1 January 2027
    assert inquiries_per_year(db.session, lov.id, 2026, TZ) == 2
    assert inquiries_per_year(db.session, lov.id, 2027, TZ) == 1


def test_manual_values_per_year(areas) -> None:
    lov, _midt = areas
    criterion = make_criterion(
        lov,
        "manual",
        66.3,
        baseline=60.9,
        baseline_year=2015,
        first_year=2024,
        last_year=2026,
        values={2024: 62.4, 2025: 66.3},
    )
    results = {r.year: r for r in criterion_results(db.session, criterion, IN_2026, TZ)}
    assert (results[2024].actual, results[2024].status) == (62.4, "missed")
    assert (results[2025].actual, results[2025].status) == (66.3, "achieved")
    assert (results[2026].actual, results[2026].status) == (None, "no_data")


@pytest.mark.parametrize(
    ("value", "direction", "complete", "expected"),
    [
        (3, "at_least", True, "achieved"),
        (2, "at_least", True, "missed"),
        (79.96, "at_least", True, "achieved"),  # shown as 80.0: no "80 %, missed"
        (5, "at_most", True, "achieved"),
        (6, "at_most", True, "missed"),
        (None, "at_least", True, "no_data"),
        (None, "at_least", False, "no_data"),
    ],
)
def test_a_year_that_is_over_is_achieved_or_missed(value, direction, complete, expected) -> None:
    target = 80 if value == 79.96 else (5 if direction == "at_most" else 3)
    assert status_for("manual", value, target, direction, complete) == expected


def test_period_defaults_to_the_last_four_years(app) -> None:
    c = criteria.SuccessCriterion(kind="manual", target=1)
    assert criterion_years(c, 2026) == [2023, 2024, 2025, 2026]
    c.first_year = 2024
    assert criterion_years(c, 2026) == [2024, 2025, 2026, 2027]
    c.first_year, c.last_year = 2000, 2030
    assert criterion_years(c, 2026)[0] == 2019  # at most 12 years, the latest kept
