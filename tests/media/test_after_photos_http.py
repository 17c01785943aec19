""" "After" photos by staff on an issue (issue 8's follow-up report): added with a status change
or on their own through the capture pipeline (blurred, metadata stripped), shown to staff on
the issue page, to the reporter on the tracking page and in the walk's report (HTML and PDF)
beside the photos from before — blurred renditions only, hidden ones never."""

from __future__ import annotations

import io
import re

import pytest
from blur_fixtures import (
    FACE,
    astronaut_jpeg,
    crop,
    fetch,
    forward_to,
    log_in,
    make_person,
    mean_abs_diff,
    pixels,
    post_observation,
)
from pypdf import PdfReader
from s3_fixtures import unreachable_storage
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from fieldapp.auth.models import User
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.media.storage import original_name
from fieldapp.media.views import get_storage
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor
from fieldapp.walkreports.services import save_draft


def post_multipart(browser, path: str, data: dict):
    environ = EnvironBuilder(
        path=path, method="POST", data=data, content_type="multipart/form-data"
    ).get_environ()
    try:
        return browser.open(environ)
    finally:
        environ["wsgi.input"].close()


def csrf(browser, path: str) -> str:
    resp = browser.get(path)
    assert resp.status_code == 200, resp.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', resp.get_data(as_text=True)).group(1)


@pytest.fixture
def setting(client, participant, kit, new_browser):
    """A participant's photographed observation, in an issue forwarded to the parks staff."""
    kit.english(client)
    resp = post_observation(client, participant, [(astronaut_jpeg(), "IMG_2041.JPG")])
    assert resp.status_code == 302
    db.session.rollback()
    parks = Administration(name="By- og Landskabsforvaltningen", short_name="BLF")
    db.session.add(parks)
    db.session.commit()
    coordinator = make_person("coordinator", "koordinator@aalborg.dk")
    staff = make_person("staff", "park@aalborg.dk", parks)
    observation = db.session.scalars(select(Observation)).one()
    forward_to(observation, coordinator, parks)
    return {
        "observation": observation,
        "issue": db.session.get(Issue, observation.issue_id),
        "walk": participant,
        "staff": log_in(new_browser(), staff),
        "coordinator": log_in(new_browser(), coordinator),
        "other_staff": log_in(
            new_browser(),
            make_person("staff", "politi@example.dk", _admin("Nordjyllands Politi")),
        ),
    }


def test_a_status_change_keeps_its_texts_when_the_bucket_cannot_store_the_photos(
    setting, app
) -> None:
    """Nothing half-done: neither the status nor the photos change, the page comes back with
    the texts as typed and asks for the photos again (503 with Retry-After)."""
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    events = db.session.scalars(select(IssueEvent.id).where(IssueEvent.issue_id == issue.id))
    before = list(events)
    data = {
        "csrf_token": csrf(staff, path),
        "to_status": "resolved",
        "public_comment": "Lampen er skiftet.",
        "internal_note": "Ordre 4711",
        "after_photos": [(io.BytesIO(astronaut_jpeg()), "efter.jpg")],
    }
    app.extensions["fieldapp_storage"] = unreachable_storage()
    try:
        resp = post_multipart(staff, f"{path}/status", data)
    finally:
        app.extensions.pop("fieldapp_storage")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "60"
    body = resp.get_data(as_text=True)
    assert "The photos could not be saved right now, so nothing is saved yet." in body
    assert "Lampen er skiftet.</textarea>" in body and "Ordre 4711</textarea>" in body
    assert re.search(r'<option[^>]*selected[^>]*value="resolved"', body)
    assert "Choose your photos again: efter.jpg." in body
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).status == "forwarded"
    assert after_photos(issue) == []
    events = db.session.scalars(select(IssueEvent.id).where(IssueEvent.issue_id == issue.id))
    assert list(events) == before


def _admin(name: str) -> Administration:
    admin = Administration(name=name, short_name=name[:6])
    db.session.add(admin)
    db.session.commit()
    return admin


def after_photos(issue: Issue) -> list[Photo]:
    db.session.expire_all()
    return list(db.session.get(Issue, issue.id).after_photos)


def test_staff_resolve_with_after_photos_and_a_bad_file_keeps_the_text(setting) -> None:
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    data = {
        "csrf_token": csrf(staff, path),
        "to_status": "resolved",
        "public_comment": "Lampen er skiftet.",
        "internal_note": "Ordre 4711",
        "after_photos": [(io.BytesIO(b"not a photo at all"), "lampe.txt")],
    }
    resp = post_multipart(staff, f"{path}/status", data)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "The photo lampe.txt was not added: it is not a photo we can read." in body
    assert "Lampen er skiftet.</textarea>" in body and "Ordre 4711</textarea>" in body
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).status == "forwarded"  # nothing half-done
    assert after_photos(issue) == []

    data["after_photos"] = [(io.BytesIO(astronaut_jpeg()), "efter.jpg")]
    resp = post_multipart(staff, f"{path}/status", data)
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).status == "resolved"
    (photo,) = after_photos(issue)
    assert photo.observation_id is None and photo.blur_regions  # the face was found
    kinds = [
        e.kind
        for e in db.session.scalars(
            select(IssueEvent).where(IssueEvent.issue_id == issue.id).order_by(IssueEvent.id)
        )
    ]
    assert kinds[-1] == "photos"

    page = staff.get(path).get_data(as_text=True)
    assert 'After photos <span class="count">(1)</span>' in page
    assert f"/photos/{photo.id}/thumb.jpg" in page and f"/photos/{photo.id}/privacy" in page
    assert "After photos added" in page  # in the history
    # Staff see the blurred rendition and may open the original; nobody else may.
    web = fetch(staff, f"/photos/{photo.id}/web.jpg")
    original = fetch(staff, f"/photos/{photo.id}/original.jpg")
    assert web.status_code == 200 and original.status_code == 200
    assert mean_abs_diff(crop(pixels(web.data), FACE), crop(pixels(original.data), FACE)) > 20
    assert fetch(setting["other_staff"], f"/photos/{photo.id}/web.jpg").status_code == 404
    assert setting["other_staff"].get(path).status_code == 404


def test_after_photos_on_their_own(setting) -> None:
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    token = csrf(staff, path)
    resp = post_multipart(staff, f"{path}/after-photos", {"csrf_token": token})
    assert resp.status_code == 400
    assert "Choose at least one photo." in resp.get_data(as_text=True)
    resp = post_multipart(
        staff,
        f"{path}/after-photos",
        {"csrf_token": token, "photos": [(io.BytesIO(b"GIF89a..."), "x.gif")]},
    )
    assert resp.status_code == 400
    assert "The photo x.gif was not added" in resp.get_data(as_text=True)
    assert after_photos(issue) == []

    files = [(io.BytesIO(astronaut_jpeg()), "a.jpg"), (io.BytesIO(astronaut_jpeg(400)), "b.jpg")]
    resp = post_multipart(staff, f"{path}/after-photos", {"csrf_token": token, "photos": files})
    assert resp.status_code == 302 and resp.location.endswith(f"{path}#after-photos")
    photos = after_photos(issue)
    assert [p.position for p in photos] == [0, 1]
    assert db.session.get(Issue, issue.id).status == "forwarded"  # the status is untouched
    # Staff of another administration cannot add to it.
    other = setting["other_staff"]
    resp = post_multipart(
        other, f"{path}/after-photos", {"csrf_token": csrf(other, "/triage/queue"), "photos": []}
    )
    assert resp.status_code == 404


@pytest.mark.parametrize("action", ["after-photos", "status"])
def test_too_many_after_photos_are_refused_with_words_about_the_issue(setting, app, action) -> None:
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    limit = app.config["MAX_PHOTOS_PER_OBSERVATION"]
    files = [(io.BytesIO(astronaut_jpeg(200)), f"efter-{n}.jpg") for n in range(limit + 1)]
    data = {"csrf_token": csrf(staff, path)}
    if action == "status":
        data |= {"to_status": "resolved", "public_comment": "Lampen er skiftet."}
        data["after_photos"] = files
    else:
        data["photos"] = files
    resp = post_multipart(staff, f"{path}/{action}", data)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert f"You can add at most {limit} after photos to an issue at a time." in body
    assert "to one observation" not in body
    assert after_photos(issue) == []


def test_reporter_and_report_see_before_and_after_blurred_never_hidden(
    setting, client, new_browser
) -> None:
    staff, issue, obs = setting["staff"], setting["issue"], setting["observation"]
    path = f"/triage/issues/{issue.id}"
    token = csrf(staff, path)
    files = [(io.BytesIO(astronaut_jpeg()), "a.jpg"), (io.BytesIO(astronaut_jpeg(400)), "b.jpg")]
    assert (
        post_multipart(
            staff, f"{path}/after-photos", {"csrf_token": token, "photos": files}
        ).status_code
        == 302
    )
    shown, hidden = after_photos(issue)
    # Staff hide the second one.
    resp = staff.post(f"/photos/{hidden.id}/visibility", data={"csrf_token": token, "hide": "1"})
    assert resp.status_code == 302

    anonymous = new_browser("en")
    page = anonymous.get(f"/t/{obs.tracking_code}").get_data(as_text=True)
    assert "Before and after" in page
    links = re.findall(r'src="(/photos/p/[^"]+/thumb\.jpg)"', page)
    assert len(links) == 2  # the reporter's photo before, one after (the hidden one left out)
    assert f"/photos/{shown.id}/" not in page and f"/photos/{hidden.id}/" not in page
    after_link = re.findall(r'href="(/photos/p/[^"]+/web\.jpg)"', page)[1]
    served = fetch(anonymous, after_link)
    assert served.status_code == 200
    storage = get_storage()
    assert served.data != storage.read(original_name(shown.original_digest))  # blurred only
    face_served = crop(pixels(served.data), FACE)
    face_original = crop(pixels(storage.read(original_name(shown.original_digest))), FACE)
    assert mean_abs_diff(face_served, face_original) > 20

    # The walk's report: the coordinator chose the reporter's photo; the after photo comes too.
    walk = setting["walk"]
    save_draft(db.session, walk, "Tak for turen.", [obs.photos[0].id])
    db.session.commit()
    coordinator = setting["coordinator"]
    html = coordinator.get(f"/walks/{walk.id}/report/preview").get_data(as_text=True)
    captions = re.findall(r"<figcaption>(Before|After)</figcaption>", html)
    assert captions == ["Before", "After"]
    assert len(re.findall(r'src="/photos/p/[^"]+/web\.jpg"', html)) == 2
    resp = coordinator.get(f"/walks/{walk.id}/report/preview.pdf")
    assert resp.status_code == 200
    pages = PdfReader(io.BytesIO(resp.data)).pages
    images = {img.name for page in pages for img in page.images}
    assert len(images) == 2  # before and after, each fetched from its public rendition
    text = " ".join(p.extract_text() for p in pages)
    assert "After" in text and "Before" in text

    # Hidden after the fact: gone from both.
    resp = staff.post(f"/photos/{shown.id}/visibility", data={"csrf_token": token, "hide": "1"})
    page = anonymous.get(f"/t/{obs.tracking_code}").get_data(as_text=True)
    assert "Before and after" not in page
    html = coordinator.get(f"/walks/{walk.id}/report/preview").get_data(as_text=True)
    assert re.findall(r"<figcaption>(Before|After)</figcaption>", html) == ["Before"]


def test_merging_hands_the_after_photos_to_the_target(setting, client) -> None:
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    files = [(io.BytesIO(astronaut_jpeg()), "a.jpg")]
    data = {"csrf_token": csrf(staff, path), "photos": files}
    assert post_multipart(staff, f"{path}/after-photos", data).status_code == 302
    (photo,) = after_photos(issue)
    # A second report of the same lamp becomes the issue the work continues in.
    resp = post_observation(client, setting["walk"], [(astronaut_jpeg(300), "c.jpg")], "Lampe")
    assert resp.status_code == 302
    db.session.rollback()
    second = db.session.scalars(select(Observation).order_by(Observation.id.desc())).first()
    coordinator_user = db.session.scalars(
        select(User).where(User.email == "koordinator@aalborg.dk")
    ).one()
    target = create_issue(
        db.session,
        [second],
        Actor(user_id=coordinator_user.id, coordinates=True),
        title="Lampe ved stien",
        description="",
        category=second.category,
        priority="normal",
    )
    db.session.commit()
    coordinator = setting["coordinator"]
    resp = coordinator.post(
        f"/triage/issues/{target.id}/merge",
        data={"csrf_token": csrf(coordinator, f"/triage/issues/{target.id}"), "issue_id": issue.id},
    )
    assert resp.status_code == 302
    assert [p.id for p in after_photos(target)] == [photo.id]
    assert after_photos(issue) == []
    # The first reporter still sees the after photo, now on the issue the work continues in.
    page = client.get(f"/t/{setting['observation'].tracking_code}").get_data(as_text=True)
    assert "Before and after" in page


def test_after_photos_are_queued_like_capture_photos(setting, app, monkeypatch, runner) -> None:
    """In production (PHOTO_PROCESSING = "queue") an after photo waits for the worker too."""
    monkeypatch.setitem(app.config, "PHOTO_PROCESSING", "queue")
    staff, issue = setting["staff"], setting["issue"]
    path = f"/triage/issues/{issue.id}"
    data = {
        "csrf_token": csrf(staff, path),
        "photos": [(io.BytesIO(astronaut_jpeg()), "efter.jpg")],
    }
    assert post_multipart(staff, f"{path}/after-photos", data).status_code == 302
    (photo,) = after_photos(issue)
    assert photo.status == "processing" and photo.job is not None and not photo.is_public
    page = staff.get(path).get_data(as_text=True)
    assert "Photo 1 is being processed" in page
    assert f' src="/photos/{photo.id}/thumb.jpg"' not in page  # no image that cannot load
    assert fetch(staff, f"/photos/{photo.id}/web.jpg").status_code == 404

    result = runner.invoke(args=["process-photos"])
    assert result.exit_code == 0 and "1 photos ready" in result.output, result.output
    (photo,) = after_photos(issue)
    assert photo.status == "ready" and photo.blur_regions  # the face was found by the worker
    page = staff.get(path).get_data(as_text=True)
    assert "is being processed" not in page and f"/photos/{photo.id}/thumb.jpg" in page
