"""Coordinators plan walks, edit them, change their status and see what was found."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.models import Participant, Walk

VALID = {
    "title": "Tryghedsvandring i Vestbyen",
    "place_name": "Vestbyen, Aalborg",
    "starts_at": "2026-12-01T18:30",
    "organiser": "Vestbyens Samråd",
    "meeting_point": "Ved biblioteket",
    "meeting_lat": "57,0481",  # a Danish keyboard types a comma
    "meeting_lon": "9.9210",
    "description": "Aftenvandring med fokus på lys.",
    "status": "planned",
}


def walk_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Walk))


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def test_create_stores_local_time_as_utc_and_shows_it_back(coordinator) -> None:
    resp = coordinator.post("/walks/new", data=VALID)
    assert resp.status_code == 302
    db.session.rollback()
    walk = db.session.scalar(select(Walk))
    assert urlsplit(resp.location).path == f"/walks/{walk.id}"
    # 18:30 in Copenhagen in December (CET, UTC+1) is 17:30 UTC.
    assert walk.starts_at == datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert (walk.title, walk.place_name, walk.organiser) == (
        "Tryghedsvandring i Vestbyen",
        "Vestbyen, Aalborg",
        "Vestbyens Samråd",
    )
    assert (walk.meeting_lat, walk.meeting_lon) == (57.0481, 9.921)
    assert walk.status == "planned"
    assert walk.created_by_id is not None
    assert len(walk.join_token) >= 16

    page = coordinator.get(resp.location).get_data(as_text=True)
    assert "Tryghedsvandring i Vestbyen" in page
    assert "18:30" in page and "17:30" not in page
    assert "The walk is created." in page


def test_summer_time_is_converted_too(coordinator) -> None:
    assert (
        coordinator.post("/walks/new", data=VALID | {"starts_at": "2026-06-01T18:30"}).status_code
        == 302
    )
    db.session.rollback()
    assert db.session.scalar(select(Walk.starts_at)) == datetime(2026, 6, 1, 16, 30, tzinfo=UTC)


def test_text_is_trimmed(coordinator) -> None:
    coordinator.post("/walks/new", data=VALID | {"title": "  Vandring  ", "place_name": " Øst "})
    db.session.rollback()
    assert db.session.execute(select(Walk.title, Walk.place_name)).one() == ("Vandring", "Øst")


def test_missing_title_is_400_and_keeps_what_was_typed(coordinator) -> None:
    resp = coordinator.post("/walks/new", data=VALID | {"title": ""})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Give the walk a title." in html
    assert input_value(html, "place_name") == "Vestbyen, Aalborg"
    assert input_value(html, "organiser") == "Vestbyens Samråd"
    assert input_value(html, "meeting_point") == "Ved biblioteket"
    assert input_value(html, "starts_at") == "2026-12-01T18:30"
    assert input_value(html, "meeting_lat") == "57,0481"
    assert "Aftenvandring med fokus på lys." in html
    assert walk_count() == 0


def test_bad_date_is_400_with_a_message(coordinator) -> None:
    resp = coordinator.post("/walks/new", data=VALID | {"starts_at": "1. december"})
    assert resp.status_code == 400
    assert "Enter a date and time, e.g. 2026-12-01 18:30." in resp.get_data(as_text=True)
    assert walk_count() == 0


@pytest.mark.parametrize(
    ("lat", "lon"),
    [("95", "9.9"), ("57.0", "200"), ("0", "0"), ("57.05", ""), ("", "9.92"), ("nan", "9.9")],
    ids=["lat-95", "lon-200", "zero-zero", "only-lat", "only-lon", "nan"],
)
def test_invalid_meeting_point_is_400_with_a_message(coordinator, lat: str, lon: str) -> None:
    resp = coordinator.post("/walks/new", data=VALID | {"meeting_lat": lat, "meeting_lon": lon})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "The position is not valid." in html
    assert input_value(html, "title") == "Tryghedsvandring i Vestbyen"
    assert walk_count() == 0


def test_walk_without_meeting_point_is_fine(coordinator) -> None:
    resp = coordinator.post("/walks/new", data=VALID | {"meeting_lat": "", "meeting_lon": ""})
    assert resp.status_code == 302
    db.session.rollback()
    assert db.session.execute(select(Walk.meeting_lat, Walk.meeting_lon)).one() == (None, None)


def test_edit_shows_local_time_and_saves_changes(coordinator, make_walk) -> None:
    walk = make_walk(starts_at=datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    form = coordinator.get(f"/walks/{walk.id}/edit")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert input_value(html, "starts_at") == "2026-12-01T18:30"
    assert input_value(html, "title") == walk.title

    data = VALID | {"title": "Ny titel", "starts_at": "2026-12-02T19:00", "status": "running"}
    resp = coordinator.post(f"/walks/{walk.id}/edit", data=data)
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/walks/{walk.id}"
    db.session.rollback()
    assert (walk.title, walk.status) == ("Ny titel", "running")
    assert walk.starts_at == datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert "The walk is saved." in coordinator.get(resp.location).get_data(as_text=True)


def test_edit_with_an_error_is_400_and_changes_nothing(coordinator, make_walk) -> None:
    walk = make_walk(title="Gammel titel")
    resp = coordinator.post(
        f"/walks/{walk.id}/edit", data=VALID | {"title": "", "place_name": "Ny"}
    )
    assert resp.status_code == 400
    assert input_value(resp.get_data(as_text=True), "place_name") == "Ny"
    db.session.rollback()
    assert (walk.title, walk.place_name) == ("Gammel titel", "Vestbyen, Aalborg")


def test_status_change(coordinator, make_walk) -> None:
    walk = make_walk(status="planned")
    resp = coordinator.post(f"/walks/{walk.id}/status", data={"status": "closed"})
    assert resp.status_code == 302
    db.session.rollback()
    assert walk.status == "closed"
    assert "Status changed." in coordinator.get(resp.location).get_data(as_text=True)


def test_unknown_status_is_refused(coordinator, make_walk) -> None:
    walk = make_walk(status="running")
    resp = coordinator.post(f"/walks/{walk.id}/status", data={"status": "deleted"})
    assert resp.status_code == 302
    assert "Choose a valid status." in coordinator.get(resp.location).get_data(as_text=True)
    db.session.rollback()
    assert walk.status == "running"


def test_list_shows_walks_with_counts(coordinator, make_walk) -> None:
    older = make_walk(title="Vandring A", starts_at=datetime(2026, 3, 1, 17, 0, tzinfo=UTC))
    newer = make_walk(title="Vandring B", starts_at=datetime(2026, 9, 1, 17, 0, tzinfo=UTC))
    older.status = newer.status = "closed"
    people = [Participant(walk=older, role=r) for r in ("resident", "police", "other")]
    db.session.add_all(people)
    db.session.add_all(
        Observation(walk=older, participant=people[0], category="lighting") for _ in range(2)
    )
    db.session.commit()

    html = coordinator.get("/walks/").get_data(as_text=True)
    assert html.index("Vandring B") < html.index("Vandring A")
    card_a = html[html.index("Vandring A") :]
    card_b = html[html.index("Vandring B") : html.index("Vandring A")]
    assert "2 observations" in card_a and "3 participants" in card_a
    assert "0 observations" in card_b and "0 participants" in card_b
    assert f"/walks/{newer.id}" in html


def test_empty_list(coordinator) -> None:
    assert "No walks yet." in coordinator.get("/walks/").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/walks/999999",
        "/walks/999999/edit",
        "/walks/999999/qr.png",
        "/walks/999999/poster",
        "/walks/999999/observations.geojson",
    ],
)
def test_unknown_walk_is_404(coordinator, path: str) -> None:
    assert coordinator.get(path).status_code == 404
    assert coordinator.post("/walks/999999/status", data={"status": "closed"}).status_code == 404
