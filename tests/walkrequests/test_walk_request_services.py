"""Walk request rules without a request: answering, the yearly counts, the demo data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from request_fixtures import KAROLINELUNDEN, make_midtbyen
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.walkrequests import services
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Walk

TZ = "Europe/Copenhagen"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def make(place="Karolinelunden", pin=KAROLINELUNDEN, **fields) -> WalkRequest:
    data = {
        "requester_kind": "resident",
        "place_name": place,
        "lat": pin[0] if pin else None,
        "lon": pin[1] if pin else None,
        "reason": "Mørkt om aftenen.",
        "categories": ["lighting", "no-such-category"],
        "time_of_day": "evening",
    }
    data.update(fields)
    req = services.create_request(db.session, data, "da")
    db.session.commit()
    return req


def accept(req: WalkRequest, now=NOW) -> Walk:
    walk = services.accept_request(db.session, req, None, TZ, "Tryghedsvandring", "", now=now)
    db.session.commit()
    return walk


def test_unknown_categories_are_dropped_and_an_address_needs_consent(app) -> None:
    req = make(email="a@example.dk", email_consent=False)
    assert req.categories == ["lighting"]
    assert req.email is None and req.email_consent is False
    assert make(email="a@example.dk", email_consent=True).email == "a@example.dk"


def test_tokens_are_long_and_unique(app) -> None:
    tokens = {make().token for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) == 32 for t in tokens)  # 24 bytes, base64url


def test_the_suggested_walk_starts_two_weeks_ahead_at_the_preferred_hour(app) -> None:
    walk = accept(make(time_of_day="evening"))
    local = walk.starts_at.astimezone(ZoneInfo(TZ))
    assert (local.date(), local.hour) == ((NOW + timedelta(days=14)).date(), 19)
    assert accept(make(time_of_day="daytime")).starts_at.astimezone(ZoneInfo(TZ)).hour == 14


def test_a_request_is_answered_once_and_a_decline_needs_a_reason(app) -> None:
    req = make()
    with pytest.raises(services.RequestError):
        services.decline_request(db.session, req, "   ", None)
    accept(req)
    with pytest.raises(services.RequestError):
        accept(req)
    with pytest.raises(services.RequestError):
        services.decline_request(db.session, req, "Nej", None)


def test_status_follows_the_walk(app) -> None:
    req = make()
    assert services.public_status(req) == "new"
    walk = accept(req)
    assert services.public_status(req) == "accepted"
    walk.status = "running"
    assert services.public_status(req) == "walked"


def test_year_counts_per_area(app) -> None:
    area = make_midtbyen()
    asked = [make() for _ in range(5)]
    elsewhere = make(place="Løvvangen", pin=(57.069, 9.909))
    accept(asked[0]).status = "closed"
    accept(asked[1])
    accept(elsewhere).status = "closed"
    services.decline_request(db.session, asked[2], "Allerede gået i år.", None)
    old = make()
    old.created_at = datetime(2025, 6, 1, tzinfo=UTC)
    db.session.commit()
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    assert services.year_counts(db.session, start, end, area.id) == services.YearCounts(
        asked=5, accepted=2, declined=1, walked=1
    )
    assert services.year_counts(db.session, start, end).asked == 6


def test_the_open_queue_holds_unanswered_and_planned_requests_only(app) -> None:
    new, planned, walked, declined = make(), make(), make(), make()
    accept(planned)
    accept(walked).status = "closed"
    services.decline_request(db.session, declined, "Nej tak.", None)
    db.session.commit()
    ids = lambda status: [r.id for r in services.queue(db.session, status)]  # noqa: E731
    assert ids("open") == [new.id, planned.id]
    assert ids("walked") == [walked.id]
    assert ids("declined") == [declined.id]
    assert set(ids("all")) == {new.id, planned.id, walked.id, declined.id}
    assert ids("all")[0] == new.id


def test_the_demo_has_requests_in_every_state(app, runner) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    rows = list(db.session.scalars(select(WalkRequest)))
    by_place = {r.place_name: r for r in rows}
    karolinelunden = by_place["Karolinelunden, Aalborg"]
    assert karolinelunden.status == "new" and karolinelunden.area is not None
    lovvangen = by_place["Løvvangen, Nørresundby"]
    assert lovvangen.requester_kind == "housing_board"
    assert services.public_status(lovvangen) == "walked"
    assert {services.public_status(r) for r in rows} == {"new", "accepted", "walked", "declined"}
    assert services.unanswered_count(db.session, services.UNANSWERED_DAYS) == 1
