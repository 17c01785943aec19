"""The issue list filtered by area or observation date, read from what issue_spans.py stores,
lists exactly the issues a recount from the observations names, after every write path that
gives issues observations, takes them away or moves them (and areas drawn, redrawn, deleted)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from triage_factories import LAT, LON, login, make_area, make_coordinator, make_obs

from fieldapp.areas.assign import assign_walk
from fieldapp.areas.models import Area
from fieldapp.areas.services import areas_containing
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage.filters import Filters, local_day_bounds
from fieldapp.triage.models import Issue
from fieldapp.triage.queries import list_page
from fieldapp.walks.models import Walk

TZ = "Europe/Copenhagen"
D1 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # days far apart, noon-ish in Copenhagen
D2 = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
D3 = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)
RANGES = [
    (None, None),
    (date(2026, 3, 5), None),
    (None, date(2026, 3, 5)),
    (date(2026, 3, 5), date(2026, 3, 15)),  # between D1 and D3: an issue seen on both is out
    (date(2026, 3, 10), date(2026, 3, 10)),
    (date(2026, 3, 21), None),
]


def _expected_area(issue: Issue, observations: list[Observation]) -> int | None:
    """The rule, recounted: the issue's walk's area, else its first observation's walk's, else
    the smallest area around the issue's position."""
    walk = db.session.get(Walk, issue.walk_id) if issue.walk_id else None
    if walk is not None and walk.area_id is not None:
        return walk.area_id
    for obs in sorted(observations, key=lambda o: o.id):
        walk = db.session.get(Walk, obs.walk_id) if obs.walk_id else None
        if walk is not None and walk.area_id is not None:
            return walk.area_id
    if issue.lat is None or issue.lon is None:
        return None
    hits = areas_containing(db.session, issue.lat, issue.lon)
    return hits[0].id if hits else None


def _listed(client, **params) -> set[int]:
    query = "&".join(f"{k}={v}" for k, v in {"kind": "issues", "status": "all", **params}.items())
    resp = client.get(f"/triage/?{query}")
    assert resp.status_code == 200, query
    return {int(i) for i in re.findall(r'id="issue-row-(\d+)"', resp.get_data(as_text=True))}


def assert_lists_match_recount(client) -> None:
    """Every area and date range: the HTTP list equals the recount from observations, and
    the stored columns equal their recount."""
    db.session.expire_all()
    issues = list(db.session.scalars(select(Issue)))
    by_issue = {i.id: [] for i in issues}
    for obs in db.session.scalars(select(Observation).where(Observation.issue_id.is_not(None))):
        by_issue[obs.issue_id].append(obs)
    areas = [a.id for a in db.session.scalars(select(Area))]
    for issue in issues:
        times = [o.created_at for o in by_issue[issue.id]]
        assert issue.first_observed_at == (min(times) if times else None), issue.id
        assert issue.last_observed_at == (max(times) if times else None), issue.id
        assert issue.area_id == _expected_area(issue, by_issue[issue.id]), issue.id
    for area_id in [None, *areas]:
        for date_from, date_to in RANGES:
            start, end = local_day_bounds(date_from, date_to, TZ)
            expected = {
                i.id
                for i in issues
                if (area_id is None or _expected_area(i, by_issue[i.id]) == area_id)
                and (
                    (start is None and end is None)
                    or any(
                        (start is None or o.created_at >= start)
                        and (end is None or o.created_at < end)
                        for o in by_issue[i.id]
                    )
                )
            }
            params = {}
            if area_id is not None:
                params["area"] = area_id
            if date_from:
                params["from"] = date_from.isoformat()
            if date_to:
                params["to"] = date_to.isoformat()
            assert _listed(client, **params) == expected, (area_id, date_from, date_to)


def _create(client, *observations: Observation) -> int:
    resp = client.post(
        "/triage/issues/new",
        data={
            "obs": [o.id for o in observations],
            "title": "Mørk sti",
            "description": "",
            "category": "lighting",
            "priority": "normal",
            "administration_id": "",
            "action": "create",
        },
    )
    assert resp.status_code == 302
    return int(resp.headers["Location"].rstrip("/").split("/")[-1])


@pytest.fixture
def coordinator(client, app):
    login(client, make_coordinator())
    return client


@pytest.fixture
def places(app, make_walk):
    """Two neighbouring areas, a walk in the first and one without an area."""
    west = make_area("Vest", LAT - 0.01, LON - 0.02, LAT + 0.01, LON)
    east = make_area("Øst", LAT - 0.01, LON, LAT + 0.01, LON + 0.02)
    return {
        "west": west,
        "east": east,
        "walk_west": make_walk(area_id=west.id),
        "walk_none": make_walk(),
        "in_west": (LAT, LON - 0.01),
        "in_east": (LAT, LON + 0.01),
    }


def test_create_and_merge_keep_span_and_area(coordinator, places) -> None:
    p = places
    # By position only (no walk area): the east area.
    a = make_obs(walk=p["walk_none"], lat=p["in_east"][0], lon=p["in_east"][1], created_at=D2)
    first = _create(coordinator, a)
    # On a walk in the west area but observed in the east: the walk's area wins.
    b = make_obs(walk=p["walk_west"], lat=p["in_east"][0], lon=p["in_east"][1], created_at=D1)
    c = make_obs(walk=p["walk_none"], lat=p["in_east"][0], lon=p["in_east"][1], created_at=D3)
    second = _create(coordinator, c, b)
    assert_lists_match_recount(coordinator)

    # One loose observation merged in (an ORM change of issue_id), made earlier on a walk
    # with an area: the first issue's span starts earlier and its area becomes the walk's.
    loose = make_obs(walk=p["walk_west"], lat=p["in_east"][0], lon=p["in_east"][1], created_at=D1)
    resp = coordinator.post(f"/triage/issues/{first}/merge", data={"observation_id": loose.id})
    assert resp.status_code == 302
    assert db.session.get(Issue, first).area_id == p["west"].id
    assert_lists_match_recount(coordinator)

    # A whole issue merged in (an UPDATE statement moves its observations): the source is
    # left without observations and leaves every date-filtered list.
    resp = coordinator.post(f"/triage/issues/{first}/merge", data={"issue_id": second})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, second).first_observed_at is None
    assert db.session.get(Issue, first).last_observed_at == D3
    assert_lists_match_recount(coordinator)


def test_observations_edited_moved_and_deleted(coordinator, places) -> None:
    p = places
    a = make_obs(walk=p["walk_none"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D1)
    b = make_obs(walk=p["walk_none"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D3)
    issue_id = _create(coordinator, a, b)
    assert_lists_match_recount(coordinator)

    edited_at = db.session.get(Issue, issue_id).updated_at
    a = db.session.get(Observation, a.id)
    a.created_at = D2  # its time corrected
    db.session.commit()
    assert_lists_match_recount(coordinator)
    assert db.session.get(Issue, issue_id).updated_at == edited_at  # derived, not an edit

    b = db.session.get(Observation, b.id)
    b.walk_id = p["walk_west"].id  # moved to a walk with an area
    db.session.commit()
    assert db.session.get(Issue, issue_id).area_id == p["west"].id
    assert_lists_match_recount(coordinator)

    db.session.delete(db.session.get(Observation, b.id))
    db.session.commit()
    assert db.session.get(Issue, issue_id).last_observed_at == D2
    assert_lists_match_recount(coordinator)


def test_walk_area_changed(coordinator, places, make_walk) -> None:
    p = places
    walk = make_walk()
    a = make_obs(walk=walk, lat=p["in_west"][0], lon=p["in_west"][1], created_at=D1)
    other = make_obs(walk=p["walk_none"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D3)
    issue_id = _create(coordinator, a, other)
    assert db.session.get(Issue, issue_id).area_id == p["west"].id  # by position

    assign_walk(db.session, db.session.get(Walk, walk.id), p["east"].id)
    db.session.commit()
    assert db.session.get(Issue, issue_id).area_id == p["east"].id
    assert_lists_match_recount(coordinator)

    # The walk's area taken away again (an UPDATE statement, as deleting an area does).
    db.session.execute(
        update(Walk)
        .where(Walk.id == walk.id)
        .values(area_id=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.commit()
    assert db.session.get(Issue, issue_id).area_id == p["west"].id
    assert_lists_match_recount(coordinator)


def test_areas_drawn_redrawn_and_deleted(client, kit, auth, places) -> None:
    p = places
    kit.english(client)
    auth.login("admin")
    a = make_obs(walk=p["walk_none"], lat=p["in_east"][0], lon=p["in_east"][1], created_at=D1)
    issue_id = _create(client, a)
    assert db.session.get(Issue, issue_id).area_id == p["east"].id

    # A smaller area drawn around the issue: the smallest around its position wins.
    lat, lon = p["in_east"]
    square = (lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001)
    resp = client.post("/admin/areas", data={"name": "Pladsen", "geojson": _drawn(*square)})
    assert resp.status_code == 302
    small = db.session.scalar(select(Area).where(Area.name == "Pladsen"))
    assert db.session.get(Issue, issue_id).area_id == small.id
    assert_lists_match_recount(client)

    # Redrawn away from it, then back, then deleted.
    away = (lon + 0.005, lat - 0.001, lon + 0.007, lat + 0.001)
    resp = client.post(
        f"/admin/areas/{small.id}/edit", data={"name": "Pladsen", "geojson": _drawn(*away)}
    )
    assert resp.status_code == 302
    assert_lists_match_recount(client)
    resp = client.post(
        f"/admin/areas/{small.id}/edit", data={"name": "Pladsen", "geojson": _drawn(*square)}
    )
    assert_lists_match_recount(client)
    resp = client.post(f"/admin/areas/{small.id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, issue_id).area_id == p["east"].id
    assert_lists_match_recount(client)


def test_gdpr_erasure_of_observations(client, kit, auth, places) -> None:
    p = places
    kit.english(client)
    auth.login("admin")
    a = make_obs(walk=p["walk_none"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D1)
    b = make_obs(
        walk=p["walk_none"],
        lat=p["in_west"][0],
        lon=p["in_west"][1],
        created_at=D3,
        reporter_email="mette@example.dk",
        email_consent=True,
    )
    issue_id = _create(client, a, b)
    assert_lists_match_recount(client)
    resp = client.post(
        "/admin/privacy/reporter/erase",
        data={"query": "mette@example.dk", "confirm": "y", "delete_observations": "y"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Observation, b.id) is None
    assert db.session.get(Issue, issue_id).last_observed_at == D1
    assert_lists_match_recount(client)


def _drawn(west: float, south: float, east: float, north: float) -> str:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return str({"type": "Polygon", "coordinates": [ring]}).replace("'", '"')


def test_equal_first_times_and_paging_over_the_area_index(coordinator, places) -> None:
    """Issues of one area, newest or oldest first, in pages of 3: none lost or repeated."""
    p = places
    made = []
    for i in range(8):
        obs = make_obs(walk=p["walk_west"], lat=LAT, lon=LON - 0.01, created_at=D1)
        made.append(_create(coordinator, obs))
        issue = db.session.get(Issue, made[-1])
        issue.created_at = D1 + timedelta(hours=i // 3)  # triples share a time
        issue.status = "resolved" if i % 2 else "new"
    db.session.commit()
    for sort in ("newest", "oldest", "priority", "due"):
        for status in ("all", "resolved"):
            f = Filters(kind="issues", status=status, area_id=p["west"].id, sort=sort)
            seen, cursor = [], None
            while True:
                page = list_page(db.session, f, TZ, cursor=cursor, limit=3)
                seen += [i.id for i in page.items]
                cursor = page.next_cursor
                if cursor is None:
                    break
            wanted = [i for n, i in enumerate(made) if status == "all" or n % 2]
            assert sorted(seen) == sorted(wanted), (sort, status)
            assert len(seen) == len(set(seen))
    assert _listed(coordinator, area=p["east"].id) == set()


def test_an_issue_with_nothing_to_locate_it_keeps_the_area_it_was_given(coordinator, places):
    """No walk with an area and no position: the area it was created with stays (as the
    dashboards' fixtures and demo data create them), while its span still follows."""
    issue = Issue(title="Storskrald", category="waste", area_id=places["east"].id)
    db.session.add(issue)
    db.session.commit()
    obs = make_obs(walk=places["walk_none"], lat=None, lon=None, created_at=D2)
    obs.issue_id = issue.id
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Issue, issue.id)
    assert (stored.area_id, stored.first_observed_at) == (places["east"].id, D2)
    assert _listed(coordinator, area=places["east"].id, **{"from": "2026-03-10"}) == {issue.id}


def test_stats_summary_recomputes_spans_after_sql_past_the_app(coordinator, places, runner):
    """`flask stats-summary` is the command for after bulk SQL that bypassed the app: it puts
    the issues' stored span and area right again, and the lists follow."""
    p = places
    a = make_obs(walk=p["walk_west"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D1)
    b = make_obs(walk=p["walk_west"], lat=p["in_west"][0], lon=p["in_west"][1], created_at=D3)
    issue_id = _create(coordinator, a, b)
    with db.engine.begin() as conn:  # a hand fix, past the ORM and its events
        conn.execute(
            update(Issue.__table__)
            .where(Issue.__table__.c.id == issue_id)
            .values(first_observed_at=None, last_observed_at=None, area_id=None)
        )
    db.session.expire_all()
    assert issue_id not in _listed(coordinator, area=p["west"].id)
    result = runner.invoke(args=["stats-summary"])
    assert result.exit_code == 0, result.output
    assert "Observed times and areas of 1 issues recomputed." in result.output
    assert issue_id in _listed(coordinator, area=p["west"].id)
    assert_lists_match_recount(coordinator)
