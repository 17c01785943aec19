"""A meeting in an area with many open issues: the findings come a page at a time, in the order
the meeting takes them up, and only the page shown is loaded as issues and observations."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import factories
import pytest
from meeting_fixtures import (
    EAST,
    INSIDE,
    NORTH,
    OUTSIDE,
    SOUTH,
    WEST,
    join,
    make_area,
    make_group,
    make_issue,
    make_meeting,
    vote,
)
from sqlalchemy import event, select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.meetings.findings import FINDINGS_PER_PAGE
from fieldapp.meetings.models import Decision, Vote
from fieldapp.triage.models import Issue

MANY = 2 * FINDINGS_PER_PAGE + 5  # three pages, the last one with five
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _many_findings(status: str = "running"):
    """A meeting whose area has MANY open issues (newest = highest number), one observation
    each, plus a resolved one and one elsewhere; returns the meeting and the issues, oldest
    first."""
    area = make_area()
    issues = []
    for n in range(MANY):
        issue = Issue(
            title=f"Fund {n:03d}",
            description="",
            category="lighting",
            lat=INSIDE[0],
            lon=INSIDE[1],
            area_id=area.id,
            created_at=T0 + timedelta(hours=n),
        )
        issues.append(issue)
    closed = Issue(
        title="Lukket", category="waste", lat=INSIDE[0], lon=INSIDE[1], status="resolved"
    )
    far = Issue(title="Langt væk", category="waste", lat=OUTSIDE[0], lon=OUTSIDE[1])
    db.session.add_all([*issues, closed, far])
    db.session.flush()
    db.session.add_all(
        Observation(
            category="lighting", text="x", lat=i.lat, lon=i.lon, issue_id=i.id, source="walk"
        )
        for i in issues
    )
    db.session.commit()
    return make_meeting(make_group(area), status=status, votes=3), issues


def _titles(html: str) -> list[str]:
    """The findings' titles in page order (a phone card names its finding three times)."""
    return list(dict.fromkeys(re.findall(r"Fund \d{3}", html)))


@contextmanager
def _loaded():
    """Counts the Issue and Observation objects the ORM builds while the block runs."""
    seen = {"issue": 0, "observation": 0}

    def issue(_target, _context):
        seen["issue"] += 1

    def observation(_target, _context):
        seen["observation"] += 1

    event.listen(Issue, "load", issue)
    event.listen(Observation, "load", observation)
    try:
        yield seen
    finally:
        event.remove(Issue, "load", issue)
        event.remove(Observation, "load", observation)


def test_meeting_page_shows_one_page_in_meeting_order_and_loads_only_it(coordinator, app):
    meeting, issues = _many_findings()
    oldest, second = issues[0], issues[1]
    urgent = issues[10]
    urgent.priority = "urgent"
    db.session.add(Decision(meeting_id=meeting.id, issue_id=second.id, text="Vi ser på det."))
    db.session.commit()
    phone = join(coordinator, meeting)
    assert phone.status_code == 302
    assert vote(coordinator, meeting, oldest.id).status_code == 303
    db.session.expire_all()

    with _loaded() as seen:
        html = coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    titles = _titles(html)
    # Voted on, then decided, then the highest priority, then newest first.
    expected = [oldest, second, urgent] + [
        i for i in reversed(issues) if i not in (oldest, second, urgent)
    ]
    assert titles[:FINDINGS_PER_PAGE] == [i.title for i in expected[:FINDINGS_PER_PAGE]]
    assert f"({MANY})" in html and "Page 1 of 3" in html
    assert f"Showing 1–{FINDINGS_PER_PAGE} of {MANY}." in html
    assert f"/triage/?kind=issues&amp;area={meeting.area_id}" in html
    assert "Lukket" not in html and "Langt væk" not in html
    # The page's issues (and the few the minutes name), no observation objects: counts only.
    assert seen["issue"] <= FINDINGS_PER_PAGE + 2 and seen["observation"] == 0
    assert "1 observation" in html

    last = coordinator.get(f"/meetings/{meeting.id}?page=3").get_data(as_text=True)
    assert _titles(last)[:5] == [i.title for i in expected[2 * FINDINGS_PER_PAGE :]]
    assert 'start="41"' in last and "Page 3 of 3" in last


@pytest.mark.parametrize("page", ["0", "abc", "-1", "1234567", "2.5"])
def test_bad_page_numbers_are_400_and_past_the_end_is_the_last_page(coordinator, app, page):
    meeting, _issues = _many_findings()
    join(coordinator, meeting)
    for path in (
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/present",
        f"/m/{meeting.join_token}/findings",
    ):
        resp = coordinator.get(f"{path}?page={page}")
        assert resp.status_code == 400, path
        assert "The page number is not valid" in resp.get_data(as_text=True)
        past = coordinator.get(f"{path}?page=99")
        assert past.status_code == 200 and "Page 3 of 3" in past.get_data(as_text=True), path


def test_decision_on_a_finding_of_a_later_page_and_its_failed_form(coordinator, app):
    meeting, issues = _many_findings()
    deep = issues[0]  # the oldest: on the last page
    url = f"/meetings/{meeting.id}/findings/{deep.id}/decision?page=3"
    failed = coordinator.post(url, data={f"f{deep.id}-text": ""})
    assert failed.status_code == 400
    html = failed.get_data(as_text=True)
    # The page with that finding comes back, its form open with the error.
    assert "Page 3 of 3" in html and f'id="finding-{deep.id}"' in html
    assert re.search(rf'id="finding-{deep.id}".*?<details class="mtg-decide" open>', html, re.S)

    done = coordinator.post(url, data={f"f{deep.id}-text": "Ny lampe."})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/meetings/{meeting.id}?page=3#decisions")
    assert db.session.scalar(select(Decision.issue_id)) == deep.id
    # Decided at this meeting: it moves to the first page.
    first = coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _titles(first)[0] == deep.title and "Ny lampe." in first
    assert coordinator.post(f"/meetings/{meeting.id}/decisions?page=x", data={}).status_code == 400


def test_phone_votes_on_a_later_page_and_comes_back_to_it(phone_client, app):
    meeting, issues = _many_findings()
    join(phone_client, meeting)
    deep = issues[0]
    html = phone_client.get(f"/m/{meeting.join_token}/findings").get_data(as_text=True)
    assert len(_titles(html)) == FINDINGS_PER_PAGE and deep.title not in html
    assert f"Findings 1–{FINDINGS_PER_PAGE} of {MANY}" in html
    last = phone_client.get(f"/m/{meeting.join_token}/findings?page=3").get_data(as_text=True)
    assert deep.title in last

    resp = vote(phone_client, meeting, deep.id)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"?finding={deep.id}#finding-{deep.id}")
    after = phone_client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _titles(after)[0] == deep.title  # voted on: first on the phones as well
    assert db.session.scalar(select(Vote.issue_id)) == deep.id

    # A finding's page: `?finding=` of the last page's finding shows that page.
    other = issues[1]
    there = phone_client.get(f"/m/{meeting.join_token}/findings?finding={other.id}")
    assert other.title in there.get_data(as_text=True)
    bad = phone_client.get(f"/m/{meeting.join_token}/findings?finding=x")
    assert bad.status_code == 400
    # JSON voting on a finding that is on no page is still checked against the area.
    far = db.session.scalar(select(Issue.id).where(Issue.title == "Langt væk"))
    assert vote(phone_client, meeting, far, as_json=True).status_code == 404


def test_presenter_numbers_and_loads_only_its_page(coordinator, app):
    meeting, issues = _many_findings()
    with _loaded() as seen:
        html = coordinator.get(f"/meetings/{meeting.id}/present?page=2").get_data(as_text=True)
    assert f'data-first="{FINDINGS_PER_PAGE + 1}"' in html and f'data-total="{MANY}"' in html
    assert re.findall(r'\\?"n\\?": (\d+)', html)[:1] == [str(FINDINGS_PER_PAGE + 1)]
    assert len(set(_titles(html))) == FINDINGS_PER_PAGE and "Page 2 of 3" in html
    # The page's issues with their observations (one each), nothing of the other pages.
    assert seen["issue"] <= FINDINGS_PER_PAGE + 2
    assert seen["observation"] <= FINDINGS_PER_PAGE


@pytest.fixture
def phone_client(client, kit):
    return kit.english(client)


def test_findings_follow_the_polygon_not_the_box(coordinator, app):
    """A triangular area: an issue routed to a smaller area inside it counts by its position,
    one in the box's empty corner does not, and one placed elsewhere counts by where it was
    reported (the rule of findings.issue_in_area, decided by shapely)."""
    triangle = factories.make_area("Trekanten", SOUTH, WEST, NORTH, EAST, triangle=True)
    inside = (SOUTH + 0.0008, WEST + 0.0010)
    factories.make_area("Lille felt", SOUTH + 0.0005, WEST + 0.0005, SOUTH + 0.0012, WEST + 0.0015)
    corner = (NORTH - 0.0005, EAST - 0.0005)  # in the box, outside the triangle
    routed_inside = make_issue("Fund i det lille felt", position=inside)
    make_issue("Fund i hjørnet", position=corner)
    reported = make_issue("Fund meldt her", position=OUTSIDE, obs_position=inside)
    assert routed_inside.area_id != triangle.id  # the smaller area around it
    meeting = make_meeting(make_group(triangle))
    html = coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Fund i det lille felt" in html and "Fund meldt her" in html
    assert "Fund i hjørnet" not in html and "(2)" in html
    assert reported.area_id != triangle.id
