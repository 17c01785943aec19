"""Issue 5's offline capture: observations made without a connection wait in the phone's outbox,
survive a reload, arrive exactly once when the connection returns, and photos travel small.
"""

from __future__ import annotations

import email.parser
import email.policy
import io

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db

from .conftest import screenshot
from .test_capture_journey import GPS, camera_jpeg
from .waiting import wait_until

MAX_UPLOAD = 500 * 1024


def stored(walk) -> list[Observation]:
    db.session.rollback()  # the live server committed in its own thread
    return list(
        db.session.scalars(
            select(Observation).where(Observation.walk_id == walk.id).order_by(Observation.id)
        )
    )


def join(phone, live, walk) -> None:
    phone.goto(f"{live}/j/{walk.join_token}")
    phone.get_by_label("Resident").check()
    phone.get_by_role("button", name="Join the walk").click()
    phone.wait_for_url(f"**/w/{walk.join_token}/new")
    outbox_ready(phone)


def joined_phone_with_photo(new_context, live, walk, photo):
    """A phone in English sharing its GPS position, joined to `walk` as a resident, with a
    camera photo saved to `photo` to choose; returns (context, page)."""
    camera_jpeg(photo)
    context = new_context(locale="en-GB", geolocation=GPS, permissions=["geolocation"])
    phone = context.new_page()
    join(phone, live, walk)
    return context, phone


def outbox_ready(phone) -> None:
    expect(phone.locator("[data-outbox]")).to_have_attribute("data-ready", "1", timeout=10_000)
    phone.locator("form[data-outbox-ready]").wait_for(state="attached")


def observe(phone, category: str, text: str, photo) -> None:
    """Fill in one observation with a position and a camera photo, and send it."""
    phone.locator(f"input[name=category][value={category}]").check()
    phone.get_by_label("Describe what you see").fill(text)
    phone.get_by_role("button", name="Use my position").click()
    expect(phone.locator("input[name=lat]")).not_to_have_value("", timeout=10_000)
    phone.locator("input[type=file][name=photos]:not([capture])").set_input_files(str(photo))
    phone.get_by_role("button", name="Send observation").click()


def wait_waiting(phone, n: int) -> None:
    # A locator assertion, not wait_for_function: that evaluates a string in the page, which
    # the Content-Security-Policy (no 'unsafe-eval') refuses while it polls.
    expect(phone.locator("[data-outbox]")).to_have_attribute("data-waiting", str(n), timeout=30_000)


def outbox_keys(phone, walk) -> list[str]:
    return phone.evaluate(
        "walk => window.fieldapp.outboxStore.forWalk(walk)"
        ".then(records => records.map(r => r.client_key))",
        walk.join_token,
    )


def test_observations_made_offline_wait_on_the_phone_and_arrive_once(
    live, make_walk, new_context, tmp_path
):
    walk = make_walk()
    photo = tmp_path / "IMG_2041.jpg"
    context, phone = joined_phone_with_photo(new_context, live, walk, photo)

    # The service worker installs on the first walk page; once it controls the page it has
    # kept the capture page and everything it needs.
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    wait_until(phone, "navigator.serviceWorker.controller !== null")
    outbox_ready(phone)

    # In a dead spot: two observations, each with a 12 MP photo.
    context.set_offline(True)
    observe(phone, "lighting", "Stien er mørk ved legepladsen.", photo)
    wait_waiting(phone, 1)
    assert phone.locator("textarea[name=text]").input_value() == ""  # ready for the next one
    observe(phone, "vegetation", "Buskene skjuler stien.", photo)
    wait_waiting(phone, 2)
    outbox = phone.get_by_role("region", name="2 observations are waiting to send")
    assert outbox.get_by_role("heading", level=3).count() == 2
    assert "Waiting to send" in outbox.inner_text()
    screenshot(phone, "offline-two-waiting")
    keys = outbox_keys(phone, walk)
    assert len(set(keys)) == 2

    # Still offline, the page reloads from the phone and the outbox still holds both.
    phone.reload()
    outbox_ready(phone)
    wait_waiting(phone, 2)
    assert sorted(outbox_keys(phone, walk)) == sorted(keys)
    assert stored(walk) == []
    screenshot(phone, "offline-after-reload")

    # The connection returns: both are sent by themselves, each exactly once.
    context.set_offline(False)
    wait_waiting(phone, 0)
    assert outbox_keys(phone, walk) == []
    observations = stored(walk)
    assert sorted(o.client_key for o in observations) == sorted(keys)
    assert sorted(o.text for o in observations) == [
        "Buskene skjuler stien.",
        "Stien er mørk ved legepladsen.",
    ]
    assert [len(o.photos) for o in observations] == [1, 1]
    screenshot(phone, "offline-all-sent")

    # "My observations" lists them, and nothing waits.
    phone.get_by_role("link", name="My observations").click()
    phone.locator(".obs-card").nth(1).wait_for()
    assert phone.locator("[data-outbox-panel]").is_hidden()


def test_a_lost_answer_is_resent_without_making_a_duplicate(live, make_walk, new_context, tmp_path):
    walk = make_walk()
    photo = tmp_path / "IMG_2042.jpg"
    camera_jpeg(photo)
    # No service worker here: this journey is about the outbox, and routes see every request.
    context = new_context(
        locale="en-GB", geolocation=GPS, permissions=["geolocation"], service_workers="block"
    )
    phone = context.new_page()
    join(phone, live, walk)

    processed = []

    def server_answers_but_the_phone_never_hears(route):
        processed.append(route.fetch().status)
        route.abort("connectionreset")

    phone.route("**/api/observations", server_answers_but_the_phone_never_hears)
    observe(phone, "waste", "Overfyldt skraldespand.", photo)
    wait_waiting(phone, 1)
    assert processed == [201]
    (first,) = stored(walk)
    assert outbox_keys(phone, walk) == [first.client_key]
    screenshot(phone, "lost-answer-waiting")

    phone.unroute("**/api/observations")
    phone.get_by_role("button", name="Send now").click()
    wait_waiting(phone, 0)
    observations = stored(walk)
    assert [(o.id, o.client_key) for o in observations] == [(first.id, first.client_key)]
    assert len(observations[0].photos) == 1


def photo_parts(request) -> list[bytes]:
    """The files sent as "photos" in a multipart request body."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        head + request.post_data_buffer
    )
    return [
        part.get_payload(decode=True)
        for part in message.iter_parts()
        if part.get_param("name", header="content-disposition") == "photos"
    ]


def test_a_12_megapixel_photo_reaches_the_server_under_500_kb(
    live, make_walk, new_context, tmp_path
):
    walk = make_walk()
    photo = tmp_path / "IMG_2043.jpg"
    camera_jpeg(photo)
    with Image.open(photo) as original:
        assert original.size == (4000, 3000)
    context = new_context(
        locale="en-GB", geolocation=GPS, permissions=["geolocation"], service_workers="block"
    )
    phone = context.new_page()
    join(phone, live, walk)

    uploads: list[bytes] = []

    def measure(route):
        uploads.extend(photo_parts(route.request))
        route.continue_()

    phone.route("**/api/observations", measure)
    observe(phone, "furniture", "Bænken er knækket.", photo)
    phone.wait_for_url("**/mine?sent=*")

    assert len(uploads) == 1
    assert len(uploads[0]) < MAX_UPLOAD, len(uploads[0])
    with Image.open(io.BytesIO(uploads[0])) as sent:
        assert sent.format == "JPEG"
        assert max(sent.size) == 1600
    (observation,) = stored(walk)
    (web,) = db.session.scalars(select(Photo).where(Photo.observation_id == observation.id))
    assert web.byte_size < MAX_UPLOAD
    assert phone.get_by_role("heading", name="Your receipt").is_visible()
    screenshot(phone, "small-upload-receipt")
