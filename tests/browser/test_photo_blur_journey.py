"""Issue 8, blurred photos in a browser: a resident sends a photo with a face from the capture
form; the coordinator finds the face blurred, marks a missed area by dragging over the original,
then hides the photo; the resident's page no longer shows it. The blur page passes axe."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldapp.capture.models import Photo
from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db

from .a11y_checks import axe_failures, wait_until_ready
from .conftest import screenshot
from .photo_steps import WALK_TITLE, resident_phone, send_photo_as_resident
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def log_in(page, live) -> None:
    email, password, _role = DEMO_ACCOUNTS[0]
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def stored_photo() -> Photo:
    db.session.rollback()
    (photo,) = db.session.scalars(select(Photo))
    return photo


def test_coordinator_blurs_a_missed_area_and_hides_a_residents_photo(
    live, runner, new_context, make_walk, tmp_path
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    walk = make_walk(title=WALK_TITLE)

    # The resident sends the photo from the capture form on their phone.
    phone = resident_phone(new_context)
    send_photo_as_resident(
        phone, live, walk, tmp_path / "IMG_0042.jpg", "Mand ved cykelskuret om aftenen."
    )
    # Finding faces takes a moment on a busy server.
    phone.locator(".obs-card .thumbs img").wait_for(timeout=30_000)
    mine_url = phone.url
    photo = stored_photo()
    assert [r["by"] for r in photo.blur_regions] == ["auto"]  # the face was found

    # The coordinator opens the photo's blur page from the walk.
    page = new_context(locale="en-GB").new_page()
    log_in(page, live)
    page.goto(f"{live}/walks/{walk.id}")
    page.get_by_role("link", name="Blur or hide").click()
    page.get_by_role("heading", name="Blur or hide a photo").wait_for()
    wait_until_ready(page)
    # A staff page (not a touch page of the suite), so axe's rules without the 44 px check.
    failures = axe_failures(page, "blur page (en)")
    assert not failures, "\n".join(failures)

    # Drag over the lower right of the original (the suit's badges): the fields follow.
    canvas = page.locator("[data-blur-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.8, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.9, steps=5)
    page.mouse.up()
    assert page.locator(".blur-box.is-new").is_visible()
    values = [
        int(page.get_by_label(name).input_value())
        for name in ("From the left edge (%)", "From the top edge (%)", "Width (%)", "Height (%)")
    ]
    assert 58 <= values[0] <= 60 and 58 <= values[1] <= 60
    assert 29 <= values[2] <= 32 and 29 <= values[3] <= 32
    screenshot(page, "photo-blur-drawn")
    page.get_by_role("button", name="Blur this area").click()
    page.get_by_text("The area is blurred in every public copy of the photo.").wait_for()
    assert "1 area added by staff" in page.content()
    photo = stored_photo()
    assert [r["by"] for r in photo.blur_regions] == ["auto", "staff"]

    # Hide it: the resident's page leaves it out, the coordinator still sees it.
    page.get_by_role("button", name="Do not show this photo").click()
    page.get_by_text("The photo is hidden.").first.wait_for()
    phone.goto(mine_url)
    phone.locator(".obs-card").first.wait_for()
    assert phone.locator(".obs-card .thumbs img").count() == 0
    page.goto(f"{live}/walks/{walk.id}")
    assert page.get_by_role("link", name="Hidden").count() == 1

    # In Danish too, the page passes axe.
    da = new_context().new_page()
    log_in(da, live)
    da.goto(f"{live}/photos/{photo.id}/privacy")
    wait_until_ready(da)
    assert da.locator("html").get_attribute("lang") == "da"
    failures = axe_failures(da, "blur page (da)")
    assert not failures, "\n".join(failures)
