"""GET requests and requests/{id}: filters, the open/closed mapping and what is public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from open311_support import (  # noqa: F401 (fixtures)
    API,
    LAT,
    LON,
    children,
    descriptions,
    error_codes,
    fixture_api_key,
    fixture_post_request,
    parse,
)

from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import Actor, change_status
from fieldapp.walks.models import Participant

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "lat",
    "long",
]
COORDINATOR = Actor(user_id=None, coordinates=True)


def observation(**fields) -> Observation:
    values = {
        "category": "lighting",
        "text": "Mørk sti",
        "lat": LAT,
        "lon": LON,
        "source": "open311",
    }
    values.update(fields)
    obs = Observation(**values)
    db.session.add(obs)
    db.session.commit()
    return obs


def issue_for(*observations: Observation, status: str = "new") -> Issue:
    issue = Issue(title="Mørk sti", category=observations[0].category, status=status)
    issue.observations.extend(observations)
    db.session.add(issue)
    db.session.commit()
    return issue


def administration() -> Administration:
    admin = Administration(name="By- og Landskabsforvaltningen", emails="bl@aalborg.dk")
    db.session.add(admin)
    db.session.commit()
    return admin


def ids(resp) -> list[str]:
    body = parse(resp)
    if isinstance(body, list):
        return [r["service_request_id"] for r in body]
    return [r.findtext("service_request_id") for r in body]


def test_requests_json_shape(client) -> None:
    obs = observation(safety=2)
    resp = client.get(f"{API}/requests.json?locale=en")
    assert resp.status_code == 200
    (record,) = parse(resp)
    assert list(record) == REQUEST_FIELDS
    assert record["service_request_id"] == str(obs.id)
    assert record["status"] == "open"
    assert record["service_name"] == "Lighting"
    assert (record["lat"], record["long"]) == (LAT, LON)
    assert record["requested_datetime"].endswith("Z")
    assert datetime.fromisoformat(record["requested_datetime"]) <= utcnow()
    assert "media_url" not in record


def test_requests_xml_shape(client) -> None:
    observation()
    resp = client.get(f"{API}/requests.xml")
    root = parse(resp)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("status") == "open"


def test_newest_first_and_only_reports_with_a_place(client) -> None:
    old = observation(created_at=utcnow() - timedelta(days=2))
    new = observation(created_at=utcnow() - timedelta(hours=1))
    by_address = observation(lat=None, lon=None, address="Boulevarden 13")
    observation(lat=None, lon=None, address="")  # nowhere: not published
    assert ids(client.get(f"{API}/requests.json")) == [
        str(by_address.id),
        str(new.id),
        str(old.id),
    ]


def test_service_code_filter_accepts_a_list(client) -> None:
    lamp = observation(category="lighting")
    bin_ = observation(category="waste")
    observation(category="vandalism")
    got = ids(client.get(f"{API}/requests.json?service_code=lighting,waste"))
    assert sorted(got) == sorted([str(lamp.id), str(bin_.id)])


def test_service_request_id_list_ignores_other_filters(client) -> None:
    a = observation(category="lighting", created_at=utcnow() - timedelta(days=400))
    b = observation(category="waste")
    c = observation(category="waste")
    got = ids(client.get(f"{API}/requests.xml?service_request_id={a.id},{b.id}&service_code=waste"))
    assert sorted(got) == sorted([str(a.id), str(b.id)])
    assert str(c.id) not in got


def test_default_is_the_last_90_days_and_dates_widen_it(client) -> None:
    recent = observation(created_at=utcnow() - timedelta(days=10))
    old = observation(created_at=datetime(2025, 1, 15, 12, tzinfo=UTC))
    assert ids(client.get(f"{API}/requests.json")) == [str(recent.id)]
    got = ids(client.get(f"{API}/requests.json?start_date=2025-01-01T00:00:00Z"))
    assert got == [str(recent.id), str(old.id)]
    got = ids(
        client.get(
            f"{API}/requests.json?start_date=2025-01-01T00:00:00%2B01:00"
            "&end_date=2025-02-01T00:00:00Z"
        )
    )
    assert got == [str(old.id)]
    # An end_date alone looks 90 days back from it.
    assert ids(client.get(f"{API}/requests.json?end_date=2025-02-01")) == [str(old.id)]


def test_at_most_1000_results(client) -> None:
    db.session.add_all(
        Observation(category="waste", lat=LAT, lon=LON, source="open311") for _ in range(1003)
    )
    db.session.commit()
    assert len(parse(client.get(f"{API}/requests.json"))) == 1000


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("start_date=yesterday", "start_date must be an ISO 8601"),
        ("end_date=2026-13-01", "end_date must be an ISO 8601"),
        ("start_date=0001-01-01T00:00:00%2B05:00", "start_date must be an ISO 8601"),
        ("start_date=2026-02-01&end_date=2026-01-01", "start_date must be before end_date"),
        ("status=pending", "status must be open, closed"),
        ("service_code=potholes", "no service with the code potholes"),
        ("service_request_id=abc", "service_request_id must be"),
        ("service_request_id=99999999999999999999", "service_request_id must be"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_a_400(client, query, words, fmt) -> None:
    resp = client.get(f"{API}/requests.{fmt}?{query}&locale=en")
    assert resp.status_code == 400, resp.data
    assert error_codes(resp) == [400]
    assert words in descriptions(resp)


def test_an_end_date_at_the_start_of_time_is_not_an_error(client) -> None:
    assert client.get(f"{API}/requests.json?end_date=0001-01-02T00:00:00Z").status_code == 200


# --- one request ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_is_a_list_of_one(client, fmt) -> None:
    obs = observation(created_at=utcnow() - timedelta(days=500))  # no date window here
    resp = client.get(f"{API}/requests/{obs.id}.{fmt}")
    assert resp.status_code == 200
    assert ids(resp) == [str(obs.id)]


@pytest.mark.parametrize("request_id", ["999999", "0", "abc", "99999999999999999999", "-1"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_a_404(client, request_id, fmt) -> None:
    resp = client.get(f"{API}/requests/{request_id}.{fmt}")
    assert resp.status_code == 404
    assert error_codes(resp) == [404]


def test_a_report_without_a_place_is_not_published(client) -> None:
    obs = observation(lat=None, lon=None, address="")
    assert client.get(f"{API}/requests/{obs.id}.json").status_code == 404


# --- status --------------------------------------------------------------------------------


def test_open_and_closed_follow_the_issue_status(client) -> None:
    loose = observation()
    working = observation()
    done = observation()
    dup = observation()
    issue_for(working, status="in_progress")
    issue_for(done, status="resolved")
    issue_for(dup, status="duplicate")
    open_ids = ids(client.get(f"{API}/requests.json?status=open"))
    closed_ids = ids(client.get(f"{API}/requests.xml?status=closed"))
    assert sorted(open_ids) == sorted([str(loose.id), str(working.id)])
    assert sorted(closed_ids) == sorted([str(done.id), str(dup.id)])
    assert len(ids(client.get(f"{API}/requests.json?status=open,closed"))) == 4
    record = parse(client.get(f"{API}/requests/{done.id}.json"))[0]
    assert record["status"] == "closed"


def test_resolving_through_the_workflow_closes_the_request(client) -> None:
    """The whole path: forwarded (agency and due date), in progress, resolved with a comment."""
    obs = observation()
    issue = issue_for(obs)
    admin = administration()
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "forwarded",
        administration_id=admin.id,
        internal_note="Ring til Bent i driften, han kender stedet",
    )
    db.session.commit()
    record = parse(client.get(f"{API}/requests/{obs.id}.json"))[0]
    assert record["status"] == "open"
    assert record["agency_responsible"] == "By- og Landskabsforvaltningen"
    assert record["expected_datetime"] is not None
    assert record["status_notes"] == ""

    change_status(
        db.session,
        issue,
        COORDINATOR,
        "in_progress",
        public_comment="Vi har bestilt en elektriker.",
    )
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "resolved",
        public_comment="Lamperne er skiftet.",
        internal_note="Faktura 4411 til Bent",
    )
    db.session.commit()
    for fmt in ("json", "xml"):
        body = client.get(f"{API}/requests/{obs.id}.{fmt}").get_data(as_text=True)
        assert "Lamperne er skiftet." in body
        assert "elektriker" not in body  # only the latest public comment
        assert "Bent" not in body and "Faktura" not in body  # internal notes never
    record = parse(client.get(f"{API}/requests/{obs.id}.json"))[0]
    assert record["status"] == "closed"
    assert record["status_notes"] == "Lamperne er skiftet."
    assert record["expected_datetime"] is None
    assert record["updated_datetime"] >= record["requested_datetime"]


def test_status_notes_skip_later_internal_only_events(client) -> None:
    obs = observation()
    issue = issue_for(obs, status="forwarded")
    issue.administration = administration()
    db.session.commit()
    change_status(db.session, issue, COORDINATOR, "in_progress", public_comment="Vi kigger på det.")
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "not_responsible",
        internal_note="Hører under boligselskabet, ikke os",
    )
    db.session.commit()
    record = parse(client.get(f"{API}/requests/{obs.id}.json"))[0]
    assert record["status_notes"] == "Vi kigger på det."
    assert record["agency_responsible"] == ""  # back in triage: nobody is responsible yet
    assert "boligselskabet" not in str(record)


# --- privacy -------------------------------------------------------------------------------


def test_no_personal_data_in_any_get_response(client, post_request, make_walk) -> None:
    resp = post_request(
        token="privacy-1",
        email="karen.hansen@example.dk",
        first_name="Karen",
        last_name="Hansen",
        phone="+4587654321",
        media_url="https://photos.example.org/karen.jpg",
    )
    request_id = parse(resp)[0]["service_request_id"]
    walk = make_walk()
    participant = Participant(walk=walk, role="resident", display_name="Hemmelige Henrik")
    walk_obs = Observation(
        walk=walk,
        participant=participant,
        category="waste",
        lat=LAT,
        lon=LON,
        reporter_email="henrik@example.dk",
        email_consent=True,
    )
    db.session.add(walk_obs)
    db.session.commit()
    bodies = []
    for fmt in ("json", "xml"):
        for path in (
            f"/requests.{fmt}",
            f"/requests.{fmt}?status=open",
            f"/requests/{request_id}.{fmt}",
            f"/requests/{walk_obs.id}.{fmt}",
            f"/tokens/privacy-1.{fmt}",
        ):
            resp = client.get(API + path)
            assert resp.status_code == 200, path
            bodies.append(resp.get_data(as_text=True))
    everything = "\n".join(bodies)
    assert request_id in everything and str(walk_obs.id) in everything
    for secret in (
        "karen",
        "Karen",
        "Hansen",
        "87654321",
        "example.dk",
        "Henrik",
        "resident",
        "photos.example.org",
        "tracking",
        walk_obs.tracking_code,
    ):
        assert secret not in everything, secret
