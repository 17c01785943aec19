"""Local groups and members over HTTP: coordinators only, addresses only with consent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fieldapp.areas.models import Area
from fieldapp.extensions import db
from fieldapp.groups.models import GroupMember, LocalGroup


def _area(name="Løvvangen") -> Area:
    ring = [[9.907, 57.0665], [9.914, 57.0665], [9.914, 57.071], [9.907, 57.071], [9.907, 57.0665]]
    area = Area(
        name=name,
        geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
        south=57.0665,
        west=9.907,
        north=57.071,
        east=9.914,
    )
    db.session.add(area)
    db.session.commit()
    return area


def _group(area=None, name="Tryghedsgruppen Løvvangen") -> LocalGroup:
    group = LocalGroup(name=name, area_id=area.id if area else None, description="")
    db.session.add(group)
    db.session.commit()
    return group


def test_groups_are_for_coordinators(client, auth, app):
    group = _group()
    assert "/login" in client.get("/groups/").headers["Location"]
    auth.login("staff")
    for path in ("/groups/", "/groups/new", f"/groups/{group.id}", f"/groups/{group.id}/edit"):
        assert client.get(path).status_code == 403
    assert client.post(f"/groups/{group.id}/members", data={"name": "X"}).status_code == 403


def test_create_and_edit_a_group_for_an_area(coordinator, app):
    area = _area()
    form = coordinator.get("/groups/new").get_data(as_text=True)
    assert f'<option value="{area.id}">Løvvangen</option>' in form
    resp = coordinator.post(
        "/groups/new",
        data={
            "name": " Tryghedsgruppen Løvvangen ",
            "area_id": str(area.id),
            "description": "Beboere, boligselskab og politi.",
        },
    )
    assert resp.status_code == 302
    group = db.session.scalar(select(LocalGroup))
    assert (group.name, group.area_id) == ("Tryghedsgruppen Løvvangen", area.id)
    page = coordinator.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tryghedsgruppen Løvvangen" in page and f"/meetings/new?group={group.id}" in page
    coordinator.post(f"/groups/{group.id}/edit", data={"name": "Følgegruppen", "area_id": ""})
    db.session.refresh(group)
    assert (group.name, group.area_id) == ("Følgegruppen", None)
    assert "Følgegruppen" in coordinator.get("/groups/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "area_id": ""}, "Give the group a name."),
        ({"name": "G", "area_id": "777"}, "Not a valid choice"),
        ({"name": "G", "area_id": "x"}, "Invalid Choice"),
    ],
)
def test_group_form_errors(coordinator, app, data, message):
    resp = coordinator.post("/groups/new", data={**data, "description": "Kept text"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html and "Kept text" in html


def test_member_email_needs_consent_and_the_error_sits_on_the_box(coordinator, app):
    group = _group()
    resp = coordinator.post(
        f"/groups/{group.id}/members",
        data={
            "name": "Birgit Holm",
            "role": "resident",
            "organisation": "Løvvangen Samråd",
            "email": "birgit@example.dk",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Tick the box if the member agreed, or remove the e-mail address." in html
    assert 'id="contact_consent-error"' in html
    assert 'value="birgit@example.dk"' in html and 'value="Løvvangen Samråd"' in html
    assert db.session.scalar(select(GroupMember)) is None

    only_box = coordinator.post(
        f"/groups/{group.id}/members",
        data={"name": "Birgit Holm", "role": "resident", "contact_consent": "y"},
    )
    assert only_box.status_code == 400
    assert "Type the e-mail address, or untick the box." in only_box.get_data(as_text=True)

    ok = coordinator.post(
        f"/groups/{group.id}/members",
        data={
            "name": "Birgit Holm",
            "role": "resident",
            "organisation": "Løvvangen Samråd",
            "email": "birgit@example.dk",
            "contact_consent": "y",
        },
    )
    assert ok.status_code == 302
    member = db.session.scalar(select(GroupMember))
    assert (member.email, member.contact_consent) == ("birgit@example.dk", True)


def test_member_without_address_edit_and_remove(coordinator, app):
    group = _group()
    coordinator.post(
        f"/groups/{group.id}/members",
        data={"name": "Nærpolitiet", "role": "police", "organisation": "Nordjyllands Politi"},
    )
    member = db.session.scalar(select(GroupMember))
    assert (member.email, member.contact_consent, member.role) == (None, False, "police")
    bad_role = coordinator.post(
        f"/groups/{group.id}/members/{member.id}/edit", data={"name": "X", "role": "chief"}
    )
    assert bad_role.status_code == 400
    coordinator.post(
        f"/groups/{group.id}/members/{member.id}/edit",
        data={"name": "Lene Mortensen", "role": "police", "organisation": "Nordjyllands Politi"},
    )
    db.session.refresh(member)
    assert member.name == "Lene Mortensen"
    assert coordinator.post(f"/groups/{group.id}/members/{member.id}/delete").status_code == 302
    assert db.session.scalar(select(GroupMember)) is None


def test_member_of_another_group_is_404(coordinator, app):
    one, other = _group(), _group(name="Anden gruppe")
    member = GroupMember(group_id=other.id, name="Ahmad", role="resident")
    db.session.add(member)
    db.session.commit()
    assert coordinator.get(f"/groups/{one.id}/members/{member.id}/edit").status_code == 404
    assert coordinator.post(f"/groups/{one.id}/members/{member.id}/delete").status_code == 404
    assert coordinator.get("/groups/4242").status_code == 404
