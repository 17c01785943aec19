"""The walk page's map data: compact rows of the newest observations, capped, with the total,
read with one query (two when capped) and no ORM objects."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

import fieldapp.walks.map_points as map_points
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.walks.models import Participant

T0 = datetime(2026, 5, 4, 18, 0, tzinfo=UTC)


def _observations(walk, n: int) -> list[Observation]:
    """`n` positioned observations a minute apart (a resident's and a police officer's in
    turn), one without a position, and two photos on the newest."""
    resident = Participant(walk_id=walk.id, role="resident")
    police = Participant(walk_id=walk.id, role="police")
    db.session.add_all([resident, police])
    db.session.flush()
    made = [
        Observation(
            walk_id=walk.id,
            participant_id=(resident if i % 2 == 0 else police).id,
            category="lighting" if i % 2 == 0 else "waste",
            text=f'<b>obs {i}</b> "{"x" * 300}"',
            safety=2,
            lat=57.0693 + i / 10000,
            lon=9.9089,
            source="walk",
            created_at=T0 + timedelta(minutes=i),
        )
        for i in range(n)
    ]
    nowhere = Observation(walk_id=walk.id, category="waste", text="uden position", source="walk")
    db.session.add_all([*made, nowhere])
    db.session.flush()
    newest = made[-1]
    for position in range(2):
        db.session.add(
            Photo(
                observation_id=newest.id,
                position=position,
                digest=f"{position}" * 64,
                width=10,
                height=10,
                thumb_width=5,
                thumb_height=5,
                byte_size=100,
            )
        )
    db.session.commit()
    return made


@contextmanager
def _reads():
    """The SQL statements that read observations, and the Observation objects built."""
    seen = {"statements": [], "objects": 0}

    def statement(_conn, _cursor, sql, _params, _context, _many):
        if "observation" in sql.lower():
            seen["statements"].append(sql)

    def loaded(_target, _context):
        seen["objects"] += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(Observation, "load", loaded)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(Observation, "load", loaded)


def _get(client, walk, query: str = ""):
    resp = client.get(f"/walks/{walk.id}/observations.geojson{query}")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return json.loads(resp.data)


def test_map_points_are_the_newest_first_with_photo_counts_and_no_orm_objects(
    coordinator, make_walk
):
    walk = make_walk()
    made = _observations(walk, 6)
    with _reads() as seen:
        data = _get(coordinator, walk)
    assert (data["total"], data["limit"]) == (6, map_points.MAP_LIMIT)
    ids = [f["properties"]["id"] for f in data["features"]]
    assert ids == [o.id for o in reversed(made)]  # the one without a position is left out
    first = data["features"][0]
    assert first["geometry"]["coordinates"] == [made[-1].lon, made[-1].lat]
    props = first["properties"]
    assert (props["photos"], props["role"], props["category"]) == (2, "police", "waste")
    assert props["text"].startswith("<b>obs 5</b>")  # data; obsmap.js sets it as text
    assert len(props["text"]) == map_points.TEXT_CHARS
    assert props["created_at"].startswith("2026-05-04T18:05:00")
    assert data["features"][1]["properties"]["photos"] == 0
    # One query reads the points, photo counts and roles; nothing is built as an object.
    assert len(seen["statements"]) == 1 and seen["objects"] == 0


def test_map_points_are_capped_and_say_how_many_match(coordinator, make_walk, monkeypatch):
    walk = make_walk()
    made = _observations(walk, 8)
    monkeypatch.setattr(map_points, "MAP_LIMIT", 3)
    with _reads() as seen:
        data = _get(coordinator, walk)
    assert [f["properties"]["id"] for f in data["features"]] == [o.id for o in made[:-4:-1]]
    assert (data["total"], data["limit"]) == (8, 3)
    assert len(seen["statements"]) == 2 and seen["objects"] == 0  # the points, then the count

    residents = _get(coordinator, walk, "?role=resident&category=lighting")
    assert residents["total"] == 4 and len(residents["features"]) == 3
    assert {f["properties"]["role"] for f in residents["features"]} == {"resident"}
    police = _get(coordinator, walk, "?role=police")
    assert police["total"] == 4 and {f["properties"]["category"] for f in police["features"]} == {
        "waste"
    }


@pytest.mark.parametrize("query", ["?category=ufo", "?role=mayor", "?category=&role="])
def test_unknown_filters_are_ignored_as_on_the_page(coordinator, make_walk, query):
    walk = make_walk()
    _observations(walk, 2)
    data = _get(coordinator, walk, query)
    assert data["total"] == 2 and len(data["features"]) == 2


def test_the_page_has_the_note_text_for_a_capped_map(coordinator, make_walk):
    walk = make_walk()
    html = coordinator.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "data-text-capped=" in html and "{shown}" in html and "{total}" in html
