"""Listing for triage: keyset paging and every filter, through the query service."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from triage_factories import LAT, LON, T0, make_admin, make_area, make_issue, make_obs, offset

from fieldapp.extensions import db
from fieldapp.triage.filters import Filters, parse_filters, utc_hour_candidates
from fieldapp.triage.paging import BadCursor, encode_cursor
from fieldapp.triage.queries import list_page

TZ = "Europe/Copenhagen"


def all_pages(filters: Filters, limit: int = 7) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = list_page(db.session, filters, TZ, cursor=cursor, limit=limit)
        pages.append([item.id for item in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100


def ids(filters: Filters) -> set[int]:
    return {item.id for item in list_page(db.session, filters, TZ, limit=1000).items}


@pytest.mark.parametrize("sort", ["newest", "oldest", "priority", "due"])
def test_observation_pages_have_no_gaps_or_duplicates_with_equal_timestamps(app, sort) -> None:
    rng = random.Random(3)
    made = []
    for i in range(40):
        # Only three distinct timestamps and three severities: ties everywhere.
        made.append(
            make_obs(
                created_at=T0 + timedelta(minutes=rng.choice([0, 0, 5, 10])),
                severity=rng.choice([None, 1, 3]),
                text=f"obs {i}",
            ).id
        )
    pages = all_pages(Filters(sort=sort))
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == 40
    assert set(flat) == set(made)
    assert all(len(p) == 7 for p in pages[:-1])
    # The order is the sort order, ties broken by id.
    rows = {o.id: o for o in list_page(db.session, Filters(sort=sort), TZ, limit=100).items}
    if sort == "oldest":
        assert flat == sorted(flat, key=lambda i: (rows[i].created_at, i))
    elif sort == "priority":
        assert flat == sorted(
            flat, key=lambda i: (rows[i].severity or 0, rows[i].created_at, i), reverse=True
        )
    else:
        assert flat == sorted(flat, key=lambda i: (rows[i].created_at, i), reverse=True)


@pytest.mark.parametrize("sort", ["newest", "priority", "due"])
def test_issue_pages_are_stable_with_ties_and_missing_due_dates(app, sort) -> None:
    admin = make_admin()
    rng = random.Random(5)
    made = []
    for _i in range(23):
        status = rng.choice(["new", "forwarded", "forwarded"])
        issue = make_issue(
            status=status,
            administration=admin,
            priority=rng.choice(["low", "high"]),
            created_at=T0,
        )
        if status == "forwarded":
            issue.due_at = T0 + timedelta(days=rng.choice([1, 2]))
        made.append(issue.id)
    db.session.commit()
    flat = [i for page in all_pages(Filters(kind="issues", sort=sort), limit=5) for i in page]
    assert sorted(flat) == sorted(made)
    assert len(flat) == len(set(flat))
    if sort == "due":
        rows = {
            i.id: i
            for i in list_page(db.session, Filters(kind="issues", sort="due"), TZ, limit=99).items
        }
        dated = [i for i in flat if rows[i].due_at is not None]
        assert flat[: len(dated)] == dated  # no due date sorts last


def test_new_rows_do_not_shift_later_pages(app) -> None:
    for i in range(10):
        make_obs(created_at=T0 + timedelta(minutes=i))
    first = list_page(db.session, Filters(), TZ, limit=4)
    make_obs(created_at=T0 + timedelta(hours=1))  # newer than everything: lands on page 1
    second = list_page(db.session, Filters(), TZ, cursor=first.next_cursor, limit=4)
    assert [o.created_at for o in second.items] == [T0 + timedelta(minutes=m) for m in (5, 4, 3, 2)]


def test_a_cursor_from_another_list_or_garbage_is_refused(app) -> None:
    make_obs()
    with pytest.raises(BadCursor):
        list_page(db.session, Filters(), TZ, cursor="not-a-cursor")
    with pytest.raises(BadCursor):
        list_page(
            db.session, Filters(), TZ, cursor=encode_cursor("observations", "oldest", (T0, 1))
        )
    with pytest.raises(BadCursor):
        list_page(db.session, Filters(), TZ, cursor=encode_cursor("observations", "newest", (1, 1)))


def test_observations_in_an_issue_are_not_listed_as_loose(app) -> None:
    loose = make_obs()
    issue = make_issue()
    assert ids(Filters()) == {loose.id}
    assert ids(Filters(kind="issues")) == {issue.id}


def test_filter_by_walk_category_and_text(app, make_walk) -> None:
    walk, other = make_walk(), make_walk(title="Anden vandring")
    a = make_obs(walk=walk, category="lighting", text="Mørk sti ved 50% af lamperne")
    b = make_obs(walk=other, category="lighting", text="Lys ok")
    c = make_obs(walk=walk, category="waste", text="Fulde skraldespande")
    assert ids(Filters(walk_id=walk.id)) == {a.id, c.id}
    assert ids(Filters(category="lighting")) == {a.id, b.id}
    assert ids(Filters(q="MØRK")) == {a.id}  # Danish letters fold on both engines
    assert ids(Filters(q="50%")) == {a.id}
    assert ids(Filters(q="_")) == set()  # LIKE wildcards are matched literally
    issue = make_issue(
        [make_obs(walk=other, category="waste", text="Affald")], title="Affald ved bænk"
    )
    assert ids(Filters(kind="issues", walk_id=other.id)) == {issue.id}
    assert ids(Filters(kind="issues", walk_id=walk.id)) == set()
    assert ids(Filters(kind="issues", q="bænk")) == {issue.id}
    assert ids(Filters(kind="issues", category="lighting")) == set()


def test_filter_by_area_uses_the_polygon_and_the_walks_area(app, make_walk) -> None:
    # A triangle: its bounding box holds points the polygon does not.
    area = make_area(
        "Karolinelunden", LAT - 0.01, LON - 0.01, LAT + 0.01, LON + 0.01, triangle=True
    )
    inside = make_obs(lat=LAT - 0.008, lon=LON - 0.008)
    in_box_only = make_obs(lat=LAT + 0.008, lon=LON + 0.008)
    outside = make_obs(lat=LAT + 0.05, lon=LON)
    walk = make_walk(area_id=area.id)
    by_walk = make_obs(walk=walk, lat=None, lon=None)
    assert ids(Filters(area_id=area.id)) == {inside.id, by_walk.id}
    assert outside.id and in_box_only.id
    issue_in = make_issue([make_obs(lat=LAT - 0.008, lon=LON - 0.008)])
    issue_in.lat, issue_in.lon = LAT - 0.008, LON - 0.008
    issue_out = make_issue([make_obs(lat=LAT + 0.008, lon=LON + 0.008)])
    issue_out.lat, issue_out.lon = LAT + 0.008, LON + 0.008
    db.session.commit()
    assert ids(Filters(kind="issues", area_id=area.id)) == {issue_in.id}
    assert ids(Filters(area_id=area.id + 1000)) == set()


def test_filter_by_status_groups_and_administration(app) -> None:
    parks, police = make_admin(), make_admin("Nordjyllands Politi", "politi@example.dk")
    new = make_issue()
    fwd = make_issue(status="forwarded", administration=parks)
    progress = make_issue(status="in_progress", administration=police)
    done = make_issue(status="resolved", administration=parks)
    rejected = make_issue(status="rejected")
    assert ids(Filters(kind="issues")) == {new.id, fwd.id, progress.id}  # default: open
    assert ids(Filters(kind="issues", status="active")) == {fwd.id, progress.id}
    assert ids(Filters(kind="issues", status="closed")) == {done.id, rejected.id}
    assert ids(Filters(kind="issues", status="all")) == {
        new.id,
        fwd.id,
        progress.id,
        done.id,
        rejected.id,
    }
    assert ids(Filters(kind="issues", status="resolved")) == {done.id}
    assert ids(Filters(kind="issues", status="all", administration_id=parks.id)) == {
        fwd.id,
        done.id,
    }
    assert ids(Filters(kind="issues", status="all", administration_id=0)) == {new.id, rejected.id}


def test_date_range_is_in_local_days(app) -> None:
    # 22:30 UTC on 1 October is 00:30 on 2 October in Copenhagen (summer time, UTC+2).
    late = make_obs(created_at=datetime(2026, 10, 1, 22, 30, tzinfo=UTC))
    early = make_obs(created_at=datetime(2026, 10, 1, 21, 30, tzinfo=UTC))
    assert ids(Filters(date_from=date(2026, 10, 2), date_to=date(2026, 10, 2))) == {late.id}
    assert ids(Filters(date_to=date(2026, 10, 1))) == {early.id}
    assert ids(Filters(date_from=date(2026, 10, 1))) == {late.id, early.id}
    issue = make_issue([make_obs(created_at=datetime(2026, 9, 1, 12, tzinfo=UTC))])
    assert ids(Filters(kind="issues", date_from=date(2026, 9, 1), date_to=date(2026, 9, 1))) == {
        issue.id
    }
    assert ids(Filters(kind="issues", date_from=date(2026, 9, 2))) == set()


def test_time_of_day_uses_local_time_in_summer_and_winter(app) -> None:
    summer_evening = make_obs(created_at=datetime(2026, 7, 1, 16, 30, tzinfo=UTC))  # 18:30 CEST
    summer_night = make_obs(created_at=datetime(2026, 7, 1, 20, 30, tzinfo=UTC))  # 22:30 CEST
    winter_evening = make_obs(created_at=datetime(2026, 12, 1, 20, 30, tzinfo=UTC))  # 21:30 CET
    winter_night = make_obs(created_at=datetime(2026, 12, 1, 21, 30, tzinfo=UTC))  # 22:30 CET
    morning = make_obs(created_at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC))  # 07:00 CET
    assert ids(Filters(time_of_day="evening")) == {summer_evening.id, winter_evening.id}
    assert ids(Filters(time_of_day="night")) == {summer_night.id, winter_night.id}
    assert ids(Filters(time_of_day="morning")) == {morning.id}
    assert ids(Filters(time_of_day="day")) == set()
    issue = make_issue([make_obs(created_at=datetime(2026, 12, 1, 21, 30, tzinfo=UTC))])
    assert ids(Filters(kind="issues", time_of_day="night")) == {issue.id}
    assert ids(Filters(kind="issues", time_of_day="evening")) == set()


def test_time_of_day_paging_skips_rows_the_python_check_drops(app) -> None:
    # Summer 20:30 UTC passes the UTC-hour prefilter for "evening" (CET 21:30) but is 22:30 CEST.
    keep = [make_obs(created_at=datetime(2026, 12, 1, 18, m, tzinfo=UTC)).id for m in range(5)]
    for m in range(30):
        make_obs(created_at=datetime(2026, 7, 1, 20, m, tzinfo=UTC))
    pages = all_pages(Filters(time_of_day="evening"), limit=2)
    assert sorted(i for p in pages for i in p) == sorted(keep)


def test_utc_hour_candidates_cover_both_offsets() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert utc_hour_candidates("evening", TZ, now) == frozenset(range(15, 21))
    assert utc_hour_candidates("night", "UTC", now) == frozenset([22, 23, 0, 1, 2, 3, 4, 5])


def test_parse_filters_reports_bad_values_and_keeps_good_ones() -> None:
    f, errors = parse_filters(
        {
            "kind": "issues",
            "walk": "x",
            "category": "lighting",
            "from": "2026-13-01",
            "to": "2026-10-01",
            "time": "lunch",
            "sort": "due",
            "administration": "none",
        }
    )
    assert (f.kind, f.category, f.sort, f.administration_id) == ("issues", "lighting", "due", 0)
    assert f.walk_id is None and f.date_from is None and f.time_of_day is None
    assert set(errors) == {"walk", "from", "time"}
    f, errors = parse_filters({"from": "2026-10-05", "to": "2026-10-01"})
    assert set(errors) == {"to"} and f.date_to is None
    assert Filters(kind="issues", administration_id=0).to_params() == {
        "kind": "issues",
        "administration": "none",
    }


def test_map_page_keeps_only_positioned_rows_inside_the_bbox(app) -> None:
    near = make_obs(lat=LAT, lon=LON)
    far = make_obs(lat=offset(LAT, LON, north_m=5000)[0], lon=LON)
    make_obs(lat=None, lon=None)
    page = list_page(
        db.session,
        Filters(),
        TZ,
        limit=10,
        for_map=True,
        bbox=(LAT - 0.01, LON - 0.01, LAT + 0.01, LON + 0.01),
    )
    assert [o.id for o in page.items] == [near.id]
    page = list_page(db.session, Filters(), TZ, limit=10, for_map=True)
    assert {o.id for o in page.items} == {near.id, far.id}


def test_a_long_run_of_dropped_rows_ends_the_page_early_with_a_cursor(app, monkeypatch) -> None:
    import fieldapp.triage.queries as queries

    monkeypatch.setattr(queries, "SCAN_BUDGET", 150)  # less than one 200-row chunk
    keep = make_obs(created_at=datetime(2026, 1, 15, 18, 0, tzinfo=UTC))  # 19:00 CET, evening
    for m in range(300):  # newer, 22:xx CEST: pass the SQL prefilter, fail the local-hour check
        make_obs(created_at=datetime(2026, 7, 1, 20, 0, tzinfo=UTC) + timedelta(seconds=m))
    first = list_page(db.session, Filters(time_of_day="evening"), TZ, limit=5)
    assert first.items == [] and first.next_cursor
    second = list_page(
        db.session, Filters(time_of_day="evening"), TZ, limit=5, cursor=first.next_cursor
    )
    assert [o.id for o in second.items] == [keep.id] and second.next_cursor is None
