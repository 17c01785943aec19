"""A seeded demo site shared by a security test module, and the routes of the app with real URLs.

Not a conftest.py (the root one is imported as `conftest` elsewhere). Test modules import
`fixture_site` under the name `site` and use `route_url` to fill a route's arguments with ids
of the demo's objects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import select

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db

# A modest number of examples keeps CI fast; FIELDAPP_FUZZ=thorough runs many more.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_PROFILE = os.environ.get("FIELDAPP_FUZZ", "ci")

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
)
# What must never come back unescaped in an HTML page.
RAW_MARKUP = ("<script>alert(1)", "<img src=x onerror", "<svg onload")


@dataclass
class Site:
    """The demo's objects, and a browser per kind of visitor."""

    ids: dict[str, int | str]
    admin: FlaskClient
    participant: FlaskClient  # joined the running walk, owns observation `observation_id`
    meeting_phone: FlaskClient  # joined the planned meeting
    pages: dict[str, str] = field(default_factory=dict)


def empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _demo_ids() -> dict[str, int | str]:
    from datetime import date

    from fieldapp.areas.models import Area
    from fieldapp.auth.models import User
    from fieldapp.capture.models import Observation
    from fieldapp.groups.models import GroupMember, LocalGroup
    from fieldapp.meetings.models import Meeting
    from fieldapp.notify.models import OutboxMessage
    from fieldapp.orgs.models import Administration
    from fieldapp.plans.models import ActionItem
    from fieldapp.stats.models import CriterionValue
    from fieldapp.triage.models import Issue
    from fieldapp.walks.models import Walk

    s = db.session
    walk = s.scalars(select(Walk).where(Walk.status == "running")).first()
    meeting = s.scalars(select(Meeting).where(Meeting.status == "planned")).first()
    closed = s.scalars(select(Meeting).where(Meeting.status == "closed")).first()
    issue = s.scalars(select(Issue).where(Issue.administration_id.is_not(None))).first()
    value = s.scalars(select(CriterionValue)).first()
    member = s.scalars(select(GroupMember)).first()
    message = s.scalars(select(OutboxMessage)).first()
    staff = s.scalars(select(User).where(User.role == "staff")).first()
    return {
        "walk_token": walk.join_token,
        "walk_id": walk.id,
        "meeting_token": meeting.join_token,
        "meeting_id": meeting.id,
        "issue_id": issue.id,
        "group_id": member.group_id if member else s.scalars(select(LocalGroup.id)).first(),
        "member_id": member.id if member else 1,
        "administration_id": s.scalars(select(Administration.id)).first(),
        "area_id": s.scalars(select(Area.id).where(Area.name == "Løvvangen")).first(),
        "user_id": staff.id,
        "message_id": message.id if message else 1,
        "item_id": s.scalars(select(ActionItem.id)).first(),
        "criterion_id": value.criterion_id,
        "value_id": value.id,
        "photo_id": 1,
        "year": date.today().year,
        "tracking_code": s.scalars(
            select(Observation.tracking_code).where(Observation.issue_id.is_not(None))
        ).first(),
        "closed_meeting_id": closed.id,
    }


@pytest.fixture(name="site", scope="module")
def fixture_site(_migrated_app):
    """seed-demo once for the module; the tables are emptied again when it is done."""
    from fieldapp.capture.models import Observation

    app = _migrated_app
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        ids = _demo_ids()
    admin = app.test_client()
    email, password, _role = DEMO_ACCOUNTS[1]
    assert admin.post("/login", data={"email": email, "password": password}).status_code == 302
    participant = app.test_client()
    token = ids["walk_token"]
    assert participant.post(f"/j/{token}", data={"role": "resident"}).status_code == 302
    sent = participant.post(
        f"/w/{token}/new",
        data={"category": "lighting", "safety": "2", "text": "Mørk sti", "lat": "57.05"}
        | {"lon": "9.92", "location_source": "gps"},
    )
    assert sent.status_code in (200, 302), sent.status_code
    with app.app_context():
        ids["observation_id"] = db.session.scalars(
            select(Observation.id).order_by(Observation.id.desc())
        ).first()
    phone = app.test_client()
    joined = phone.post(f"/m/{ids['meeting_token']}", data={"role": "resident"})
    assert joined.status_code == 302, joined.status_code
    try:
        yield Site(ids=ids, admin=admin, participant=participant, meeting_phone=phone)
    finally:
        empty_tables(app)


def route_url(rule, ids: dict) -> str:
    """The rule's path with the demo's ids and tokens filled in."""
    url = rule.rule
    for name in rule.arguments:
        if name not in rule._converters:  # a default value, not part of the path
            continue
        if name == "token":
            value = ids["meeting_token"] if url.startswith("/m/") else ids["walk_token"]
        elif name == "fmt":
            value = "json"
        elif name == "code":
            value = ids["tracking_code"]
        else:
            value = ids.get(name, 1)
        for spelling in (f"<{name}>", f"<int:{name}>", f"<string:{name}>", f"<path:{name}>"):
            url = url.replace(spelling, str(value))
    return url


class FormFields(HTMLParser):
    """Names of a page's form fields and the values its selects, radios and checkboxes offer."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag in ("input", "textarea", "select") and name and name != "csrf_token":
            values = self.options.setdefault(name, [])
            if tag == "input" and a.get("value") is not None and a.get("type") != "hidden":
                values.append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and a.get("value") is not None:
            self.options[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.options
