"""Issue 2's journey: a coordinator creates a walk, a participant joins by its QR link on a
phone with GPS, sends an observation with a camera photo, and the coordinator sees it on the map.
"""

from __future__ import annotations

import io
import re

from PIL import Image, ImageDraw

from fieldapp.demo import DEMO_ACCOUNTS

from .conftest import screenshot
from .waiting import wait_until

GPS = {"latitude": 57.04622, "longitude": 9.92845, "accuracy": 12}


def camera_jpeg(path) -> None:
    """A 12 MP JPEG with camera-like EXIF, including the GPS position that must be stripped."""
    img = Image.new("RGB", (4000, 3000), (40, 60, 90))
    draw = ImageDraw.Draw(img)
    for i in range(0, 4000, 50):
        draw.line([(i, 0), (4000 - i, 3000)], fill=(200, (i // 10) % 255, 80), width=9)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Cheap Phone 3"
    exif[0x8825] = {1: "N", 2: (57.0, 2.0, 46.0), 3: "E", 4: (9.0, 55.0, 42.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92, exif=exif)
    path.write_bytes(buf.getvalue())


def test_coordinator_creates_walk_and_participant_reports_from_qr_code(
    live, runner, new_context, tmp_path
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    email, password, _role = DEMO_ACCOUNTS[0]

    # The coordinator, on a phone in English.
    coordinator = new_context(locale="en-GB").new_page()
    coordinator.goto(live + "/login")
    coordinator.get_by_label("E-mail").fill(email)
    coordinator.get_by_label("Password").fill(password)
    coordinator.get_by_role("button", name="Log in").click()
    coordinator.get_by_role("link", name="New walk").click()

    coordinator.get_by_label("Title").fill("Aftenvandring i Karolinelunden")
    coordinator.get_by_label("Area or place").fill("Karolinelunden, Aalborg")
    coordinator.get_by_label("Date and time").fill("2026-12-03T18:30")
    coordinator.get_by_label("Meeting point", exact=True).fill("Indgangen fra Kastetvej")
    coordinator.locator("[data-pin-map]").click()  # a tap on the map places the meeting pin
    assert coordinator.locator("input[name=meeting_lat]").input_value() != ""
    coordinator.get_by_label("Status").select_option("running")
    coordinator.get_by_role("button", name="Save walk").click()

    coordinator.get_by_role("heading", name="Aftenvandring i Karolinelunden").wait_for()
    wait_until(
        coordinator,
        "(() => { const i = document.querySelector('img.qr');"
        " return i.complete && i.naturalWidth > 0; })()",
    )
    join_url = coordinator.get_by_label("Join link").input_value()
    assert re.search(r"/j/[A-Za-z0-9_-]{16,}$", join_url)
    screenshot(coordinator, "walk-created")

    # A resident scans the QR code: a fresh phone, Danish, with a GPS fix.
    phone = new_context(geolocation=GPS, permissions=["geolocation"]).new_page()
    phone.goto(join_url)
    assert phone.locator("html").get_attribute("lang") == "da"
    phone.locator("input[name=role][value=resident]").check()
    phone.locator("form button[type=submit]").last.click()

    phone.locator("input[name=category][value=lighting]").check()
    phone.locator("input[name=safety][value='2']").check()
    phone.locator("textarea[name=text]").fill("Stien er helt mørk, to lamper er gået.")
    phone.wait_for_load_state()  # deferred scripts attach the button's handler
    phone.locator("[data-locate]").click()
    wait_until(phone, "document.querySelector('input[name=lat]').value !== ''")
    photo = tmp_path / "IMG_0001.jpg"
    camera_jpeg(photo)
    phone.locator("input[type=file][name=photos]:not([capture])").set_input_files(str(photo))
    screenshot(phone, "capture-filled")
    phone.locator("form[data-capture-form] button.primary").click()

    # The participant sees their own observation with the photo.
    phone.locator(".obs-card").first.wait_for()
    assert "Stien er helt mørk" in phone.locator(".obs-card").first.inner_text()
    wait_until(
        phone,
        "(() => { const i = document.querySelector('.obs-card .thumbs img');"
        " return i && i.complete && i.naturalWidth > 0; })()",
    )
    screenshot(phone, "my-observations")

    # Back on the coordinator's walk page: the observation is on the map and in the list.
    coordinator.reload()
    wait_until(coordinator, "document.querySelector('[data-obs-map]').dataset.markers === '1'")
    assert coordinator.locator(".leaflet-marker-icon").count() == 1
    card = coordinator.locator(".obs-card").first
    assert "Stien er helt mørk" in card.inner_text()
    assert "Resident" in card.inner_text()
    # Thumbnails load lazily: bring the card on screen, below the walk's facts and map.
    card.scroll_into_view_if_needed()
    wait_until(
        coordinator,
        "(() => { const i = document.querySelector('.obs-card .thumbs img');"
        " return i && i.complete && i.naturalWidth > 0; })()",
    )
    screenshot(coordinator, "walk-with-observation")
