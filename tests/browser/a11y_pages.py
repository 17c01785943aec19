"""The pages of each role as the accessibility sweep walks them (and the CSP test after it), on
the seeded demo (`flask seed-demo`): Demo holds the ids and tokens of one record in each state a
page can show.

Each role's pages are a generator: it brings the page into a state, then yields (name, touch).
`touch` marks the pages participants use on their phones outdoors (join, capture, my
observations, tracking); they must also pass the 44 px target-size check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db
from fieldapp.orgs.defaults import DEMO_STAFF

from .waiting import wait_until


@dataclass
class Demo:
    running_token: str
    closed_token: str
    planned_token: str
    running_walk_id: int
    loose_obs_id: int  # an observation in no issue yet
    tracked_code: str  # an observation in a forwarded issue, so its tracking page has a history
    issue_id: int  # an issue with an administration, events and observations
    staff_issue_id: int  # an issue in the demo staff user's queue
    administration_id: int
    user_id: int
    # Løvvangen's local group, meetings, plan and criteria (seed-demo's follow-up story)
    area_id: int
    group_id: int
    member_id: int
    closed_meeting_id: int
    planned_meeting_id: int
    closed_meeting_token: str
    planned_meeting_token: str
    action_item_id: int
    criterion_id: int


def load_demo(runner) -> Demo:
    from fieldapp.areas.models import Area
    from fieldapp.auth.models import User
    from fieldapp.capture.models import Observation
    from fieldapp.groups.models import GroupMember, LocalGroup
    from fieldapp.meetings.models import Meeting
    from fieldapp.orgs.models import Administration
    from fieldapp.plans.models import ActionItem
    from fieldapp.stats.models import SuccessCriterion
    from fieldapp.triage.models import Issue
    from fieldapp.walks.models import Walk

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    s = db.session
    walks = {w.status: w for w in s.scalars(select(Walk))}
    staff = s.scalars(select(User).where(User.email == DEMO_STAFF[0])).one()
    issues = list(s.scalars(select(Issue).order_by(Issue.id)))
    routed = [i for i in issues if i.administration_id is not None and i.observations]
    tracked = next(o for i in routed for o in i.observations)
    staff_issue = next(i for i in issues if i.administration_id == staff.administration_id)
    loose = s.scalars(
        select(Observation).where(Observation.issue_id.is_(None)).order_by(Observation.id)
    ).first()
    area = s.scalars(select(Area).where(Area.name == "Løvvangen")).one()
    group = s.scalars(select(LocalGroup).where(LocalGroup.area_id == area.id)).first()
    member = s.scalars(
        select(GroupMember).where(GroupMember.group_id == group.id).order_by(GroupMember.id)
    ).first()
    meetings = {m.status: m for m in s.scalars(select(Meeting).where(Meeting.group_id == group.id))}
    item = s.scalars(
        select(ActionItem).where(ActionItem.area_id == area.id).order_by(ActionItem.id)
    ).first()
    criterion = (
        s.scalars(
            select(SuccessCriterion)
            .where(SuccessCriterion.area_id == area.id)
            .order_by(SuccessCriterion.id)
        ).first()
        or s.scalars(select(SuccessCriterion).order_by(SuccessCriterion.id)).first()
    )
    return Demo(
        running_token=walks["running"].join_token,
        closed_token=walks["closed"].join_token,
        planned_token=walks["planned"].join_token,
        running_walk_id=walks["running"].id,
        loose_obs_id=loose.id,
        tracked_code=tracked.tracking_code,
        issue_id=routed[0].id,
        staff_issue_id=staff_issue.id,
        administration_id=s.scalars(select(Administration).order_by(Administration.id)).first().id,
        user_id=staff.id,
        area_id=area.id,
        group_id=group.id,
        member_id=member.id,
        closed_meeting_id=meetings["closed"].id,
        planned_meeting_id=meetings["planned"].id,
        closed_meeting_token=meetings["closed"].join_token,
        planned_meeting_token=meetings["planned"].join_token,
        action_item_id=item.id,
        criterion_id=criterion.id,
    )


def login(page, live, email, password):
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"log-in as {email} failed"


def public_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    page.goto(live + "/")
    yield "front page", False
    page.goto(live + "/login")
    yield "log-in", False
    page.locator("input[name=email]").fill("nobody@example.dk")
    page.locator("input[name=password]").fill("wrong-password")
    page.locator("form button[type=submit]").last.click()
    yield "log-in, wrong password", False

    page.goto(f"{live}/j/{demo.closed_token}")
    yield "join, closed walk", True
    page.goto(f"{live}/j/{demo.planned_token}")
    yield "join, planned walk", True
    page.goto(f"{live}/j/{demo.running_token}")
    yield "join, running walk", True
    page.locator("form button[type=submit]").last.click()  # no role chosen
    page.locator(".field-errors").first.wait_for()
    yield "join, no role chosen", True
    page.locator("input[name=role][value=resident]").check()
    page.locator("form button[type=submit]").last.click()

    page.locator("form[data-capture-form]").wait_for()
    page.wait_for_load_state()  # deferred scripts attach the button's handler
    # Leaflet loads when the map is opened; once opened, this browser gets it on every capture.
    page.locator("[data-open-map]").click()
    yield "capture form", True
    page.locator("form[data-capture-form] button.primary").click()  # nothing filled in
    page.locator("[data-no-position]").wait_for()
    yield "capture, no-position warning", True
    page.locator("[data-send-anyway]").click()
    page.locator(".error-summary").wait_for()
    yield "capture, validation errors", True

    page.locator("input[name=category][value=lighting]").check()
    page.locator("input[name=safety][value='2']").check()
    page.locator("textarea[name=text]").fill("Stien er mørk ved legepladsen.")
    page.wait_for_load_state()  # deferred scripts attach the button's handler
    page.locator("[data-locate]").click()
    wait_until(page, "document.querySelector('input[name=lat]').value !== ''")
    yield "capture form, filled in", True
    page.locator("form[data-capture-form] button.primary").click()
    page.locator(".receipt-code").wait_for()
    code = re.sub(r"\s", "", page.locator(".receipt-code").inner_text())
    yield "my observations, with receipt", True
    page.goto(f"{live}/w/{demo.running_token}/mine")
    yield "my observations", True
    page.locator(".leaflet-marker-icon").first.click()
    page.locator(".leaflet-popup").wait_for()
    yield "my observations, a pin's popup open", True
    page.locator(".obs-card .actions a.button").first.click()
    page.locator("form[data-capture-form]").wait_for()
    yield "edit observation", True

    page.goto(f"{live}/t/{code}")
    yield "tracking page, new observation", True
    page.goto(f"{live}/t/{demo.tracked_code}")
    yield "tracking page, forwarded issue", True
    page.goto(f"{live}/t")
    yield "tracking lookup", True
    page.goto(f"{live}/t?code=ZZZZ")
    yield "tracking lookup, unknown code", True
    page.goto(f"{live}/this-page-does-not-exist")
    yield "404 page", False


def coordinator_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    email, password, _role = DEMO_ACCOUNTS[0]
    login(page, live, email, password)
    page.goto(live + "/walks/")
    yield "walks", False
    page.goto(live + "/walks/new")
    yield "new walk", False
    page.locator("form button[type=submit].primary").click()
    page.locator(".error-summary").wait_for()
    yield "new walk, errors", False
    walk = f"{live}/walks/{demo.running_walk_id}"
    page.goto(walk)
    yield "walk detail", False
    page.goto(walk + "/edit")
    yield "edit walk", False
    page.goto(walk + "/poster" + ("?lang=en" if lang == "en" else ""))  # Danish unless asked
    yield "poster", False
    page.goto(live + "/triage/")
    yield "triage, observations (list + map)", False
    page.goto(live + "/triage/?kind=issues")
    yield "triage, issues (list + map)", False
    page.goto(f"{live}/triage/issues/new?obs={demo.loose_obs_id}")
    yield "new issue", False
    page.goto(f"{live}/triage/issues/{demo.issue_id}")
    yield "issue", False
    page.goto(live + "/triage/queue")
    yield "work queues overview", False
    page.goto(f"{live}/triage/queue?administration={demo.administration_id}")
    yield "work queue of an administration", False
    page.goto(live + "/mail/")
    yield "mail outbox", False

    # Follow-up: the local group, its meetings, the action plan, results and exports.
    page.goto(live + "/groups/")
    yield "groups", False
    page.goto(live + "/groups/new")
    yield "new group", False
    page.goto(f"{live}/groups/{demo.group_id}")
    yield "group", False
    page.goto(f"{live}/groups/{demo.group_id}/members/{demo.member_id}/edit")
    yield "edit group member", False
    page.goto(live + "/meetings/")
    yield "meetings", False
    page.goto(f"{live}/meetings/new?group={demo.group_id}")
    yield "new meeting", False
    for state in ("planned", "closed"):
        meeting = f"{live}/meetings/{getattr(demo, state + '_meeting_id')}"
        page.goto(meeting)
        yield f"meeting, {state}", False
    planned = f"{live}/meetings/{demo.planned_meeting_id}"
    page.goto(planned + "/edit")
    yield "edit meeting", False
    page.goto(planned + "/present")
    yield "meeting presenter view", False
    page.goto(f"{live}/meetings/{demo.closed_meeting_id}/minutes")
    yield "meeting minutes", False
    page.goto(live + "/plans/")
    yield "action plan", False
    page.goto(f"{live}/plans/area/{demo.area_id}")
    yield "action plan of an area", False
    page.goto(live + "/plans/new")
    yield "new action", False
    page.goto(f"{live}/plans/{demo.action_item_id}/edit")
    yield "edit action", False
    page.goto(live + "/stats/")
    yield "results", False
    page.goto(f"{live}/stats/area/{demo.area_id}")
    yield "results of an area", False
    page.goto(live + "/stats/criteria")
    yield "success criteria", False
    page.goto(live + "/stats/criteria/new")
    yield "new success criterion", False
    page.goto(f"{live}/stats/criteria/{demo.criterion_id}/edit")
    yield "edit success criterion", False
    page.goto(f"{live}/stats/criteria/{demo.criterion_id}/values")
    yield "success criterion values", False
    page.goto(live + "/stats/analyses/")
    yield "analyses", False
    page.goto(live + "/exports/")
    yield "exports", False
    page.goto(f"{live}/exports/area/{demo.area_id}/report/{date.today().year}.html")
    yield "yearly area report", False


def meeting_phone_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    """A participant's phone at a meeting: join by QR code, vote on findings, add an observation."""
    page.goto(f"{live}/m/{demo.closed_meeting_token}")
    yield "meeting join, closed meeting", True
    join = f"{live}/m/{demo.planned_meeting_token}"
    page.goto(join)
    yield "meeting join", True
    page.locator("form button[type=submit]").last.click()  # no role chosen
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "meeting join, no role chosen", True
    page.locator("input[name=role][value=resident]").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/findings")
    yield "meeting findings", True
    page.goto(join + "/observe")
    page.locator("form button[type=submit]").last.wait_for()
    yield "meeting observation form", True


def admin_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    email, password, _role = DEMO_ACCOUNTS[1]
    login(page, live, email, password)
    page.goto(live + "/admin/")
    yield "admin", False
    page.goto(live + "/admin/administrations")
    yield "administrations", False
    page.goto(live + "/admin/administrations/new")
    yield "new administration", False
    page.locator("main form button[type=submit].primary").click()
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "new administration, errors", False
    page.goto(f"{live}/admin/administrations/{demo.administration_id}/edit")
    yield "edit administration", False
    page.goto(live + "/admin/users/")
    yield "users", False
    page.goto(live + "/admin/users/new")
    yield "new user", False
    page.locator("main form button[type=submit].primary").click()
    page.locator(".field-errors, .error-summary").first.wait_for()
    yield "new user, errors", False
    page.goto(f"{live}/admin/users/{demo.user_id}/edit")
    yield "edit user", False
    page.goto(live + "/admin/areas")
    yield "areas", False
    page.goto(live + "/admin/routing")
    yield "routing rules", False
    page.goto(live + "/admin/areas/new")
    yield "new area", False
    page.goto(f"{live}/admin/areas/{demo.area_id}/edit")
    yield "edit area", False


def staff_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    login(page, live, *DEMO_STAFF)
    page.goto(live + "/triage/queue")
    yield "staff: work queue", False
    page.goto(f"{live}/triage/issues/{demo.staff_issue_id}")
    yield "staff: issue", False
