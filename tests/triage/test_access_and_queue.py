"""Who sees what: staff only their administration's issues and never reporters' data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from triage_factories import (
    LAT,
    LON,
    login,
    make_admin,
    make_coordinator,
    make_issue,
    make_obs,
    make_staff,
    offset,
)

from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Participant


@pytest.fixture
def two_administrations(app):
    parks = make_admin()
    police = make_admin("Nordjyllands Politi", "politi@example.dk")
    return parks, police


def reported_issue(make_walk, admin, consent: bool, status="forwarded"):
    walk = make_walk()
    person = Participant(walk=walk, role="resident", display_name="Fru Jensen")
    obs = make_obs(
        walk=walk,
        participant=person,
        reporter_email="reporter@example.dk",
        email_consent=consent,
        text="Mørkt ved opgang 8",
    )
    return make_issue([obs], status=status, administration=admin)


def test_guests_are_sent_to_login_and_staff_cannot_triage(client, two_administrations) -> None:
    parks, _police = two_administrations
    assert client.get("/triage/").status_code == 302
    assert "/login" in client.get("/triage/queue").location
    login(client, make_staff(parks, "staff@parks.dk"))
    assert client.get("/triage/").status_code == 403
    assert client.get("/triage/issues/new?obs=1").status_code == 403
    assert client.get("/").location.endswith("/triage/queue")


def test_staff_get_404_for_another_administrations_issue(
    client, make_walk, two_administrations
) -> None:
    parks, police = two_administrations
    theirs = reported_issue(make_walk, police, consent=True)
    mine = reported_issue(make_walk, parks, consent=True)
    login(client, make_staff(parks, "staff@parks.dk"))
    assert client.get(f"/triage/issues/{theirs.id}").status_code == 404
    resp = client.post(f"/triage/issues/{theirs.id}/status", data={"to_status": "in_progress"})
    assert resp.status_code == 404
    db.session.expire_all()
    assert db.session.get(Issue, theirs.id).status == "forwarded"
    assert client.get(f"/triage/issues/{mine.id}").status_code == 200
    assert client.post(f"/triage/issues/{mine.id}/edit", data={"title": "x"}).status_code == 403
    assert (
        client.post(f"/triage/issues/{mine.id}/merge", data={"issue_id": theirs.id}).status_code
        == 403
    )


def test_staff_never_see_reporter_email_or_names_even_with_consent(
    client, make_walk, two_administrations
) -> None:
    parks, _police = two_administrations
    issue = reported_issue(make_walk, parks, consent=True)
    login(client, make_staff(parks, "staff@parks.dk"))
    for url in (
        f"/triage/issues/{issue.id}",
        "/triage/queue",
        "/triage/map.geojson?kind=issues&status=all",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "reporter@example.dk" not in body, url
        assert "Fru Jensen" not in body, url
    assert "Mørkt ved opgang 8" in client.get(f"/triage/issues/{issue.id}").get_data(as_text=True)


def test_coordinators_see_reporter_email_only_with_consent(
    client, make_walk, two_administrations
) -> None:
    parks, _police = two_administrations
    consented = reported_issue(make_walk, parks, consent=True)
    declined = reported_issue(make_walk, parks, consent=False)
    login(client, make_coordinator())
    assert "reporter@example.dk" in client.get(f"/triage/issues/{consented.id}").get_data(
        as_text=True
    )
    assert "reporter@example.dk" not in client.get(f"/triage/issues/{declined.id}").get_data(
        as_text=True
    )


def test_staff_work_their_issue_with_public_comments(client, two_administrations) -> None:
    parks, _police = two_administrations
    issue = make_issue(status="forwarded", administration=parks)
    staff = make_staff(parks, "staff@parks.dk")
    login(client, staff)
    html = client.get(f"/triage/issues/{issue.id}").get_data(as_text=True)
    assert 'value="in_progress"' in html and 'value="rejected"' not in html
    assert 'name="administration_id"' not in html and "Edit title" not in html
    resp = client.post(
        f"/triage/issues/{issue.id}/status", data={"to_status": "rejected", "public_comment": "Nej"}
    )
    assert resp.status_code == 400
    resp = client.post(
        f"/triage/issues/{issue.id}/status",
        data={"to_status": "in_progress", "public_comment": "Vi kigger på det i uge 42."},
    )
    assert resp.status_code == 302
    resp = client.post(
        f"/triage/issues/{issue.id}/status",
        data={"to_status": "resolved", "public_comment": "Lampen er skiftet."},
    )
    assert resp.status_code == 302
    events = db.session.scalars(
        select(IssueEvent)
        .where(IssueEvent.issue_id == issue.id, IssueEvent.kind == "status")
        .order_by(IssueEvent.id)
    ).all()
    assert [(e.to_status, e.user_id) for e in events][-2:] == [
        ("in_progress", staff.id),
        ("resolved", staff.id),
    ]
    assert events[-1].public_comment == "Lampen er skiftet."


def test_staff_declining_needs_a_reason_and_the_issue_leaves_their_queue(
    client, two_administrations
) -> None:
    parks, _police = two_administrations
    issue = make_issue(status="forwarded", administration=parks)
    login(client, make_staff(parks, "staff@parks.dk"))
    resp = client.post(f"/triage/issues/{issue.id}/status", data={"to_status": "not_responsible"})
    assert resp.status_code == 400 and "Give a reason" in resp.get_data(as_text=True)
    resp = client.post(
        f"/triage/issues/{issue.id}/status",
        data={"to_status": "not_responsible", "public_comment": "Det er Forsyningens kabel."},
    )
    assert resp.status_code == 302 and resp.location.endswith("/triage/queue")
    assert client.get(f"/triage/issues/{issue.id}").status_code == 404
    db.session.expire_all()
    assert (
        db.session.get(Issue, issue.id).status,
        db.session.get(Issue, issue.id).administration_id,
    ) == ("triaged", None)


def test_queue_shows_only_own_active_issues_overdue_first(client, two_administrations) -> None:
    parks, police = two_administrations
    later = make_issue(status="forwarded", administration=parks, title="Senere frist")
    late = make_issue(status="forwarded", administration=parks, title="Over fristen")
    late.due_at = utcnow() - timedelta(days=1)
    busy = make_issue(status="in_progress", administration=parks, title="I gang")
    done = make_issue(status="resolved", administration=parks, title="Løst sag")
    other = make_issue(status="forwarded", administration=police, title="Politiets sag")
    db.session.commit()
    login(client, make_staff(parks, "staff@parks.dk"))
    html = client.get("/triage/queue").get_data(as_text=True)
    assert "Politiets sag" not in html and "Løst sag" not in html
    assert html.index("Over fristen") < html.index("I gang") and html.index(
        "Over fristen"
    ) < html.index("Senere frist")
    assert "Overdue since" in html
    # Asking for another administration's queue changes nothing for staff.
    html = client.get(f"/triage/queue?administration={police.id}&status=all").get_data(as_text=True)
    assert "Politiets sag" not in html and "Løst sag" in html
    assert client.get("/triage/queue?status=nonsense").status_code == 400
    assert later.id and busy.id and done.id and other.id


def test_staff_without_administration_get_a_clear_403(client, app) -> None:
    from triage_factories import PASSWORD

    from fieldapp.auth.services import create_user

    user = create_user(db.session, "lost@example.dk", "Lost", PASSWORD, "staff")
    db.session.commit()
    login(client, user)
    resp = client.get("/triage/queue")
    assert resp.status_code == 403 and "not linked to an administration" in resp.get_data(
        as_text=True
    )


def test_coordinators_open_any_queue(client, two_administrations) -> None:
    parks, police = two_administrations
    make_issue(status="forwarded", administration=police, title="Politiets sag")
    login(client, make_coordinator())
    overview = client.get("/triage/queue").get_data(as_text=True)
    assert (
        "Nordjyllands Politi" in overview
        and f"/triage/queue?administration={police.id}" in overview
    )
    assert "Politiets sag" in client.get(f"/triage/queue?administration={police.id}").get_data(
        as_text=True
    )
    assert client.get("/triage/queue?administration=999999").status_code == 404
    assert client.get("/triage/queue?administration=abc").status_code == 400
    assert parks


def test_geojson_filters_by_bbox_and_staff_only_get_their_issues(
    client, new_browser, two_administrations
) -> None:
    parks, police = two_administrations
    near = make_obs(text="nær")
    far = make_obs(lat=offset(LAT, LON, north_m=3000)[0], lon=LON, text="langt væk")
    make_obs(lat=None, lon=None)
    login(client, make_coordinator())
    bbox = f"{LAT - 0.005},{LON - 0.005},{LAT + 0.005},{LON + 0.005}"
    data = client.get(f"/triage/map.geojson?bbox={bbox}&zoom=16").get_json()
    assert [f["properties"]["id"] for f in data["features"]] == [near.id]
    assert data["clustered"] is False
    # Zoomed out, without a view: clusters over everything with a position.
    data = client.get("/triage/map.geojson").get_json()
    assert data["clustered"] is True and data["total"] == 2
    assert sum(f["properties"]["count"] for f in data["features"]) == 2
    assert client.get("/triage/map.geojson?bbox=1,2,3").status_code == 400
    assert client.get("/triage/map.geojson?bbox=50,10,40,9").status_code == 400
    assert client.get("/triage/map.geojson?category=nope").status_code == 400
    assert far.id

    mine = make_issue([make_obs()], status="forwarded", administration=parks)
    theirs = make_issue([make_obs()], status="forwarded", administration=police)
    staff = login(new_browser(), make_staff(parks, "staff@parks.dk"))
    data = staff.get(
        f"/triage/map.geojson?kind=observations&administration={police.id}&bbox={bbox}&zoom=17"
    ).get_json()
    assert [f["properties"]["id"] for f in data["features"]] == [mine.id]
    assert theirs.id != mine.id
