"""Issue 6, photos off the request path, on a phone: a resident sends a photo while the server
processes photos in its worker (PHOTO_PROCESSING=queue, as in production). Their page says the
photo is being processed instead of showing a broken image; once the worker has run, the
blurred photo takes its place without a reload, and screen readers are told."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .a11y_checks import axe_failures, wait_until_ready
from .conftest import screenshot
from .photo_steps import WALK_TITLE, resident_phone, send_photo_as_resident
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)
from .waiting import wait_until

pytestmark = pytest.mark.usefixtures("compiled_catalogues")

THUMB_LOADED = """() => {
  const img = document.querySelector('.obs-card .thumbs img');
  return img !== null && img.complete && img.naturalWidth > 0;
}"""


def test_resident_sees_a_placeholder_until_the_worker_has_processed_the_photo(
    live, live_app, monkeypatch, new_context, make_walk, tmp_path, kit
):
    monkeypatch.setitem(live_app.config, "PHOTO_PROCESSING", "queue")
    walk = make_walk(title=WALK_TITLE)
    phone = resident_phone(new_context)
    send_photo_as_resident(
        phone, live, walk, tmp_path / "IMG_0043.jpg", "Cykelskuret er mørkt om aftenen."
    )

    # Saved at once; the photo is not there yet, and nothing on the page is a broken image.
    pending = phone.locator(".obs-card .photo-pending")
    pending.wait_for()
    wait_until_ready(phone)  # the script has taken over the text that says to reload
    assert (
        pending.inner_text().strip() == "Photo 1 is being processed. It appears here in a moment."
    )
    assert phone.locator(".obs-card .thumbs img").count() == 0
    box = pending.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert axe_failures(phone, "photo being processed") == []
    screenshot(phone, "photo-queue-pending")

    # Meanwhile a coordinator opens the photo's blur page: the tools wait for the photo.
    kit.make_user("coordinator", "koordinator@example.dk")
    staff = new_context(locale="en-GB").new_page()
    staff.goto(live + "/login")
    staff.locator("input[name=email]").fill("koordinator@example.dk")
    staff.locator("input[name=password]").fill(kit.PASSWORDS["coordinator"])
    staff.locator("form button[type=submit]").last.click()
    staff.wait_for_url(lambda url: "/login" not in url)
    photo_id = phone.locator(".obs-card [data-photo-pending]").get_attribute("data-photo-pending")
    staff.goto(f"{live}/photos/{photo_id}/privacy")
    expect(
        staff.get_by_text("You can blur areas by hand once the photo is processed")
    ).to_be_visible()
    assert staff.locator("[data-blur-form]").count() == 0

    with live_app.app_context():  # the live server's upload directory, not the test app's
        result = live_app.test_cli_runner().invoke(args=["process-photos"])
    assert result.exit_code == 0 and "1 photos ready" in result.output, result.output

    # The blur page says the tools are there now, without a reload; its link opens them.
    tools = staff.get_by_role("link", name="The photo is processed. Open the tools to blur")
    expect(tools).to_be_visible(timeout=30_000)
    expect(
        staff.get_by_text("You can blur areas by hand once the photo is processed")
    ).to_be_hidden()
    tools.click()
    expect(staff.locator("[data-blur-form]")).to_be_visible()

    # No reload: the page asks how the photo is doing and shows it once it is ready.
    phone.evaluate("window.sameDocument = true")
    wait_until(phone, THUMB_LOADED, timeout=30)
    assert phone.evaluate("window.sameDocument === true")
    assert phone.locator(".obs-card .photo-pending").count() == 0
    img = phone.locator(".obs-card .thumbs a img")
    assert img.get_attribute("alt") == "Photo 1 of the observation"
    assert phone.locator(".obs-card [aria-live=polite]").inner_text() == "Photo 1 is ready."
    box = img.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert axe_failures(phone, "photo arrived") == []
    screenshot(phone, "photo-queue-ready")
