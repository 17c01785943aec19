"""Blurred photos through the app: the capture form, who sees which rendition, staff's blur
and hide tools, and the retention of originals (issue 8, bar item 5)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from blur_fixtures import (
    FACE,
    astronaut_jpeg,
    crop,
    detail,
    fetch,
    forward_to,
    log_in,
    make_person,
    mean_abs_diff,
    pixel_boxes,
    pixels,
    post_observation,
    psnr_outside,
)
from s3_fixtures import unreachable_storage
from sqlalchemy import select

from fieldapp.capture.models import Photo
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.media.storage import original_name, photo_names
from fieldapp.media.views import get_storage
from fieldapp.media.views import public_photo_url as _public_photo_url
from fieldapp.orgs.models import Administration


def urls(photo: Photo) -> dict[str, str]:
    return {v: f"/photos/{photo.id}/{v}.jpg" for v in ("web", "thumb", "original")}


@pytest.fixture
def walk(client, participant, kit):
    kit.english(client)
    return participant


@pytest.fixture
def photo(client, walk) -> Photo:
    """The astronaut, sent from the participant's phone through the capture form."""
    resp = post_observation(client, walk, [(astronaut_jpeg(), "IMG_2041.JPG")])
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.rollback()
    (photo,) = db.session.scalars(select(Photo))
    return photo


@pytest.fixture
def people(app):
    parks = Administration(name="By- og Landskabsforvaltningen", short_name="BLF")
    police = Administration(name="Nordjyllands Politi", short_name="Politi")
    db.session.add_all([parks, police])
    db.session.commit()
    return {
        "coordinator": make_person("coordinator", "koordinator@aalborg.dk"),
        "parks": make_person("staff", "park@aalborg.dk", parks),
        "police": make_person("staff", "politi@example.dk", police),
        "parks_admin": parks,
    }


def public_photo_url(photo: Photo, variant: str = "web") -> str | None:
    """The signed link a page without a login would print (built as in a request)."""
    from flask import current_app

    with current_app.test_request_context():
        return _public_photo_url(photo, variant)


def as_user(new_browser, user):
    return log_in(new_browser(), user)


def run_purge(runner, *args: str) -> str:
    result = runner.invoke(args=["purge-originals", *args])
    assert result.exit_code == 0, result.output
    return result.output


def age(photo: Photo, days: int) -> None:
    photo.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_bar5_face_is_blurred_everywhere_staff_see_the_original_until_retention_ends(
    client, walk, photo, people, new_browser, runner
) -> None:
    coordinator = as_user(new_browser, people["coordinator"])
    original = fetch(coordinator, urls(photo)["original"])
    assert original.status_code == 200 and original.mimetype == "image/jpeg"
    # What the participant's phone, the pages and the signed public link get: blurred.
    public_link = public_photo_url(photo, "web")
    anonymous = new_browser()
    served = [
        fetch(client, urls(photo)["web"]).data,
        fetch(coordinator, urls(photo)["web"]).data,
        fetch(anonymous, public_link).data,
    ]
    assert served[0] == served[1] == served[2] != original.data
    face_o, face_p = crop(pixels(original.data), FACE), crop(pixels(served[0]), FACE)
    assert mean_abs_diff(face_o, face_p) > 20
    assert detail(face_p) < 0.05 * detail(face_o)
    assert psnr_outside(pixels(original.data), pixels(served[0]), pixel_boxes(photo)) > 45
    thumb = fetch(anonymous, public_photo_url(photo, "thumb"))
    assert thumb.status_code == 200 and thumb.data != original.data

    # The original is for triage staff only.
    assert fetch(client, urls(photo)["original"]).status_code == 404  # the participant
    assert fetch(anonymous, urls(photo)["original"]).status_code == 404
    assert fetch(anonymous, urls(photo)["web"]).status_code == 404  # unsigned: private
    issue = forward_to(photo.observation, people["coordinator"], people["parks_admin"])
    assert issue.administration_id == people["parks_admin"].id
    parks, police = as_user(new_browser, people["parks"]), as_user(new_browser, people["police"])
    assert fetch(parks, urls(photo)["original"]).data == original.data
    assert fetch(police, urls(photo)["original"]).status_code == 404
    assert fetch(police, urls(photo)["web"]).status_code == 404

    # Inside the retention period nothing is deleted; after it the original goes, once.
    age(photo, 89)
    assert "0 originals older than 90 days deleted; 1 photos still keep" in run_purge(runner)
    age(photo, 91)
    assert "1 originals older than 90 days deleted; 0 photos still keep" in run_purge(runner)
    assert "0 originals older than 90 days deleted" in run_purge(runner)  # idempotent
    db.session.refresh(photo)
    assert not get_storage().exists(original_name(photo.original_digest))
    assert fetch(coordinator, urls(photo)["original"]).status_code == 404
    assert fetch(parks, urls(photo)["original"]).status_code == 404
    assert fetch(client, urls(photo)["web"]).data == served[0]
    assert fetch(anonymous, public_link).data == served[0]


def test_an_original_shared_with_a_newer_upload_stays_until_that_is_due(
    client, walk, photo, runner
) -> None:
    resp = post_observation(client, walk, [(astronaut_jpeg(), "IMG_2041.JPG")], text="Igen")
    assert resp.status_code == 302
    age(photo, 120)
    assert "1 originals older than 90 days deleted; 1 photos still keep" in run_purge(runner)
    assert get_storage().exists(original_name(photo.original_digest))
    assert "1 originals older than 0 days deleted" in run_purge(runner, "--days", "0")
    assert not get_storage().exists(original_name(photo.original_digest))


def test_staff_blur_a_missed_area_by_hand(walk, photo, people, new_browser, client) -> None:
    coordinator = as_user(new_browser, people["coordinator"])
    page = coordinator.get(f"/photos/{photo.id}/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert urls(photo)["original"] in html and "Blur this area" in html
    before = fetch(client, urls(photo)["web"]).data
    old_digest = photo.digest
    # Lower right: the suit's badges, which the detector leaves alone.
    resp = coordinator.post(
        f"/photos/{photo.id}/blur", data={"left": 60, "top": 60, "width": 30, "height": 30}
    )
    assert resp.status_code == 302
    db.session.refresh(photo)
    assert [r["by"] for r in photo.blur_regions] == ["auto", "staff"]
    after = fetch(client, urls(photo)["web"]).data
    box = (307, 307, 461, 461)
    original = fetch(coordinator, urls(photo)["original"]).data
    assert detail(crop(pixels(after), box)) < 0.05 * detail(crop(pixels(original), box))
    assert detail(crop(pixels(after), FACE)) < 0.05 * detail(crop(pixels(original), FACE))
    assert psnr_outside(pixels(before), pixels(after), pixel_boxes(photo)) > 45
    # The less blurred copy is gone from storage, not just unlinked.
    assert not any(get_storage().exists(n) for n in photo_names(old_digest))
    page = coordinator.get(f"/photos/{photo.id}/privacy").get_data(as_text=True)
    assert "1 area added by staff" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"left": 80, "top": 0, "width": 30, "height": 10}, "past the right edge"),
        ({"left": 0, "top": 95, "width": 10, "height": 10}, "past the bottom edge"),
        ({"left": "abc", "top": 0, "width": 10, "height": 10}, "whole number from 0 to 100"),
        ({"left": 0, "top": 0, "width": 0, "height": 10}, "whole number from 1 to 100"),
        ({"left": 0, "top": 0, "width": 10}, "whole number from 1 to 100"),
    ],
)
def test_a_bad_rectangle_is_refused_with_its_values_kept(
    walk, photo, people, new_browser, fields, message
) -> None:
    coordinator = as_user(new_browser, people["coordinator"])
    digest = photo.digest
    resp = coordinator.post(f"/photos/{photo.id}/blur", data=fields)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html
    assert f'value="{fields["top"]}"' in html
    db.session.refresh(photo)
    assert photo.digest == digest and len(photo.blur_regions) == 1


def test_a_blur_the_bucket_cannot_store_is_503_with_its_values_kept(
    walk, photo, people, new_browser, app
) -> None:
    coordinator = as_user(new_browser, people["coordinator"])
    digest = photo.digest
    app.extensions["fieldapp_storage"] = unreachable_storage()
    try:
        resp = coordinator.post(
            f"/photos/{photo.id}/blur", data={"left": 61, "top": 62, "width": 23, "height": 24}
        )
    finally:
        app.extensions.pop("fieldapp_storage")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "60"
    html = resp.get_data(as_text=True)
    assert "The photos could not be saved right now, so nothing is saved yet." in html
    assert all(f'value="{n}"' in html for n in (61, 62, 23, 24))
    db.session.refresh(photo)
    assert photo.digest == digest and len(photo.blur_regions) == 1


def test_after_the_retention_period_hand_blur_works_on_the_blurred_copy(
    walk, photo, people, new_browser, client, runner
) -> None:
    age(photo, 100)
    run_purge(runner)
    coordinator = as_user(new_browser, people["coordinator"])
    html = coordinator.get(f"/photos/{photo.id}/privacy").get_data(as_text=True)
    assert "original has been deleted" in html and "cannot be undone" in html
    assert urls(photo)["original"] not in html
    before = fetch(client, urls(photo)["web"]).data
    resp = coordinator.post(
        f"/photos/{photo.id}/blur", data={"left": 60, "top": 60, "width": 30, "height": 30}
    )
    assert resp.status_code == 302
    after = fetch(client, urls(photo)["web"]).data
    box = (307, 307, 461, 461)
    assert detail(crop(pixels(after), box)) < 0.05 * detail(crop(pixels(before), box))
    # The face stays blurred (it is not un-blurred by working on the public copy).
    assert mean_abs_diff(crop(pixels(after), FACE), crop(pixels(before), FACE)) < 6
    assert fetch(coordinator, urls(photo)["original"]).status_code == 404


def test_a_hidden_photo_is_not_served_beyond_triage(
    walk, photo, people, new_browser, client
) -> None:
    coordinator = as_user(new_browser, people["coordinator"])
    link = public_photo_url(photo, "web")
    resp = coordinator.post(f"/photos/{photo.id}/visibility", data={"hide": "1"})
    assert resp.status_code == 302
    db.session.refresh(photo)
    assert photo.hidden and public_photo_url(photo) is None
    anonymous = new_browser()
    assert fetch(anonymous, link).status_code == 404
    assert fetch(client, urls(photo)["web"]).status_code == 404  # even the one who took it
    assert fetch(client, urls(photo)["thumb"]).status_code == 404
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert urls(photo)["thumb"] not in mine
    # Staff still see it, and can show it again.
    assert fetch(coordinator, urls(photo)["web"]).status_code == 200
    assert fetch(coordinator, urls(photo)["original"]).status_code == 200
    assert "Hidden: only triage staff" in coordinator.get(f"/photos/{photo.id}/privacy").get_data(
        as_text=True
    )
    coordinator.post(f"/photos/{photo.id}/visibility", data={"hide": "0"})
    assert fetch(anonymous, link).status_code == 200
    assert coordinator.post(f"/photos/{photo.id}/visibility", data={"hide": "x"}).status_code == 400


def test_only_triage_staff_reach_the_blur_page(walk, photo, people, new_browser, client) -> None:
    forward_to(photo.observation, people["coordinator"], people["parks_admin"])
    guest = new_browser()
    assert "/login" in guest.get(f"/photos/{photo.id}/privacy").location
    assert client.get(f"/photos/{photo.id}/privacy").status_code == 302  # the participant
    police = as_user(new_browser, people["police"])
    assert police.get(f"/photos/{photo.id}/privacy").status_code == 404
    assert police.post(f"/photos/{photo.id}/visibility", data={"hide": "1"}).status_code == 404
    assert (
        police.post(
            f"/photos/{photo.id}/blur", data={"left": 1, "top": 1, "width": 5, "height": 5}
        ).status_code
        == 404
    )
    parks = as_user(new_browser, people["parks"])
    assert parks.get(f"/photos/{photo.id}/privacy").status_code == 200
    issue_page = parks.get(f"/triage/issues/{photo.observation.issue_id}").get_data(as_text=True)
    assert f"/photos/{photo.id}/privacy" in issue_page


def test_a_forged_public_link_is_404(walk, photo, new_browser) -> None:
    link = public_photo_url(photo, "web")
    token = link.split("/")[3]
    anonymous = new_browser()
    assert fetch(anonymous, link.replace(token, token[:-2] + "xx")).status_code == 404
    assert fetch(anonymous, link.replace("web.jpg", "original.jpg")).status_code == 404


def test_photos_stored_before_blurring_are_private_until_blur_photos_runs(
    walk, photo, client, runner, people, new_browser, monkeypatch
) -> None:
    # Make the row look like one from before this feature: its web file is the unblurred picture.
    storage = get_storage()
    legacy = storage.read(original_name(photo.original_digest))
    web_name, _thumb = photo_names(photo.original_digest)
    storage.save(web_name, legacy)
    photo.digest, photo.original_digest, photo.blur_regions = photo.original_digest, None, None
    db.session.commit()
    assert fetch(client, urls(photo)["web"]).status_code == 404
    assert public_photo_url(photo) is None
    monkeypatch.setattr("fieldapp.media.cli.BLUR_PROGRESS_EVERY", 1)  # says how far it is
    result = runner.invoke(args=["blur-photos"])
    assert result.exit_code == 0 and "1 photos blurred" in result.output
    assert "1 of 1 photos blurred" in result.output
    db.session.refresh(photo)
    assert len(photo.blur_regions) == 1 and photo.original_digest is not None
    assert not storage.exists(web_name)  # the unblurred copy under a public name is gone
    served = fetch(client, urls(photo)["web"]).data
    assert detail(crop(pixels(served), FACE)) < 0.05 * detail(crop(pixels(legacy), FACE))
    coordinator = as_user(new_browser, people["coordinator"])
    assert fetch(coordinator, urls(photo)["original"]).data == legacy
    assert "0 photos blurred" in runner.invoke(args=["blur-photos"]).output


def test_originals_of_deleted_photos_are_removed_by_the_next_purge(
    client, walk, photo, runner
) -> None:
    name = original_name(photo.original_digest)
    storage = get_storage()
    resp = client.post(f"/w/{walk.join_token}/o/{photo.observation_id}/delete")
    assert resp.status_code == 302
    assert storage.exists(name)
    # Just written files may belong to an upload still on its way into the database.
    assert "0 originals of deleted photos removed" in run_purge(runner)
    assert storage.exists(name)
    an_hour_ago = (utcnow() - timedelta(hours=1, minutes=1)).timestamp()
    os.utime(storage.path(name), (an_hour_ago, an_hour_ago))
    output = run_purge(runner)
    assert not storage.exists(name)
    assert re.search(r"; [1-9]\d* originals of deleted photos removed", output)


def test_hand_blur_on_a_photo_from_before_blurring_blurs_the_face_too(
    walk, photo, people, new_browser, client
) -> None:
    storage = get_storage()
    legacy = storage.read(original_name(photo.original_digest))
    web_name, thumb_name = photo_names(photo.original_digest)
    storage.save(web_name, legacy)
    storage.save(thumb_name, legacy)
    photo.digest, photo.original_digest, photo.blur_regions = photo.original_digest, None, None
    db.session.commit()
    coordinator = as_user(new_browser, people["coordinator"])
    assert "stored before automatic blurring" in coordinator.get(
        f"/photos/{photo.id}/privacy"
    ).get_data(as_text=True)
    resp = coordinator.post(
        f"/photos/{photo.id}/blur", data={"left": 60, "top": 60, "width": 30, "height": 30}
    )
    assert resp.status_code == 302
    db.session.refresh(photo)
    assert [r["by"] for r in photo.blur_regions] == ["auto", "staff"]
    served = fetch(client, urls(photo)["web"]).data
    assert detail(crop(pixels(served), FACE)) < 0.05 * detail(crop(pixels(legacy), FACE))
    assert not storage.exists(web_name) and not storage.exists(thumb_name)
