"""New observations and issues are added to the dashboard summary and the map cells from the
objects in memory, without reading the new rows back (bench/submit.py: two SELECTs less per
submission), and the tables still equal a recount of the raw rows whenever memory does not
know a value for sure (walk not loaded, a SQL expression, cascades of a delete in the same
flush) and the new rows are read from the database instead."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, event, func
from stats_fixtures import LAT, LON, make_area, make_obs, make_walk, utc
from summary_checks import recount, recounted_cells, stored_cells, stored_summary

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk


@pytest.fixture
def areas(app):
    return make_area("Løvvangen"), make_area("Midtbyen")


@pytest.fixture
def selects():
    """Every SELECT sent from here on."""
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany) -> None:
        if statement.lstrip().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def read_backs(statements: list[str]) -> list[str]:
    """The SELECTs that read rows back for the summaries: the observation's safety for the
    dashboard summary, the grid cell for the map cells (other listeners, e.g. the issue spans,
    read other columns)."""
    return [s for s in statements if re.search(r"\bobservation\.safety\b|\bgrid_y\b", s)]


def check() -> None:
    assert stored_summary() == recount()
    assert stored_cells() == recounted_cells()


def new_obs(created, **fields) -> Observation:
    fields.setdefault("lat", LAT)
    fields.setdefault("lon", LON)
    obs = Observation(category=fields.pop("category", "lighting"), created_at=created, **fields)
    db.session.add(obs)
    return obs


def test_new_observations_are_counted_from_memory_without_a_read_back(areas, selects) -> None:
    north, middle = areas
    walk = make_walk(north, utc(2025, 3, 1, 18))
    bare_walk = make_walk(None, utc(2025, 3, 2, 18))
    assert (walk.area_id, bare_walk.area_id) == (north.id, None)  # loaded, as a submit has them
    selects.clear()
    new_obs(utc(2024, 12, 31, 23, 30), walk=walk, safety=3)  # the walk's area, next year locally
    new_obs(utc(2025, 3, 20, 8), walk=bare_walk, area_id=middle.id, category="vandalism")
    new_obs(utc(2025, 7, 1, 6), walk=bare_walk, safety=1)  # no area at all
    new_obs(utc(2025, 7, 1, 7), lat=None, lon=None)  # no walk, no position: no map cell
    db.session.commit()
    assert read_backs(selects) == []
    check()


def test_a_new_observation_whose_walk_is_not_loaded_is_read_back(areas, selects) -> None:
    north, _middle = areas
    walk = make_walk(north, utc(2025, 3, 1, 18))
    walk_id = walk.id
    db.session.expunge_all()
    selects.clear()
    new_obs(utc(2025, 3, 1, 19), walk_id=walk_id, safety=4)
    db.session.commit()
    # The monthly summary's and the walk/hot-spot summaries' (stats/place_summary.py); the map
    # cell needs no walk.
    assert len(read_backs(selects)) == 2
    check()


def test_a_value_the_database_computes_is_read_back(areas) -> None:
    north, _middle = areas
    new_obs(utc(2025, 4, 1, 12), area_id=north.id, safety=func.abs(-4))
    db.session.commit()
    check()


def test_a_new_observation_with_its_walk_moving_in_the_same_flush(areas) -> None:
    north, middle = areas
    walk = make_walk(north, utc(2025, 3, 1, 18))
    make_obs(utc(2025, 3, 1, 18, 30), walk=walk, safety=2)
    walk.area_id = middle.id
    new_obs(utc(2025, 3, 1, 19), walk=walk, safety=5)
    db.session.commit()
    check()


def test_a_new_observation_in_a_flush_that_deletes_a_walk_and_an_area(areas) -> None:
    north, middle = areas
    doomed = make_walk(north, utc(2025, 3, 1, 18))
    make_obs(utc(2025, 3, 1, 18, 30), walk=doomed, safety=2)
    make_obs(utc(2025, 3, 2, 9), area=middle, safety=3)
    other = make_walk(middle, utc(2025, 3, 3, 18))
    assert other.area_id == middle.id  # loaded: memory would say "Midtbyen" after the flush
    db.session.delete(doomed)
    db.session.delete(middle)
    # The database sets the walk's area to NULL (PostgreSQL; SQLite here keeps no foreign keys).
    new_obs(utc(2025, 3, 3, 19), walk=other, safety=1)
    new_obs(utc(2025, 3, 3, 21), area_id=north.id)
    db.session.commit()
    db.session.expire_all()
    check()


def new_issue(**fields) -> Issue:
    issue = Issue(
        title="Mørk sti",
        description="",
        category=fields.pop("category", "lighting"),
        lat=fields.pop("lat", LAT),
        lon=fields.pop("lon", LON),
        **fields,
    )
    db.session.add(issue)
    return issue


def test_new_issues_and_their_new_observations_in_one_flush(areas, selects) -> None:
    north, _middle = areas
    selects.clear()
    issue = new_issue(status="triaged")
    new_obs(utc(2025, 5, 1, 12), area_id=north.id, issue=issue)  # not loose: no "o" cell
    new_obs(utc(2025, 5, 1, 13), area_id=north.id, lat=LAT + 0.05)
    new_issue(category="waste", lat=LAT - 0.05)
    db.session.commit()
    assert read_backs(selects) == []
    check()


def test_a_new_observation_in_a_flush_that_deletes_an_issue(areas) -> None:
    north, _middle = areas
    issue = new_issue()
    new_obs(utc(2025, 5, 1, 12), area_id=north.id, issue=issue)
    db.session.commit()
    db.session.delete(issue)  # its observation is loose again
    new_obs(utc(2025, 5, 2, 12), area_id=north.id)
    db.session.commit()
    db.session.expire_all()
    check()


def test_deleting_a_walk_takes_its_observations_off_the_map(areas) -> None:
    """PostgreSQL deletes a walk's observations with it (ON DELETE CASCADE); the map cells
    and the summary follow, through the session and through a DELETE statement."""
    north, _middle = areas
    walks = [make_walk(north, utc(2025, 3, d, 18)) for d in (1, 2)]
    for walk in walks:
        make_obs(utc(2025, 3, 1, 18, 30), walk=walk, safety=2)
    db.session.delete(walks[0])
    db.session.commit()
    db.session.expire_all()
    check()
    db.session.execute(delete(Walk).where(Walk.id == walks[1].id))
    db.session.commit()
    db.session.expire_all()
    check()
