"""Issue 8's note on the offline outbox: an observation queued on the phone and then refused
with a field error can be corrected in the capture form — its text, position and the photo
kept on the phone come back — and sent again under the same client key, arriving once."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot
from .test_offline_capture import joined_phone_with_photo, outbox_keys, stored, wait_waiting


def test_a_refused_queued_observation_is_corrected_and_sent(
    live, make_walk, new_context, tmp_path
) -> None:
    walk = make_walk()
    photo = tmp_path / "IMG_2042.jpg"
    context, phone = joined_phone_with_photo(new_context, live, walk, photo)

    # Offline: an address without the consent box ticked, which the server will refuse.
    context.set_offline(True)
    phone.locator("input[name=category][value=lighting]").check()
    phone.get_by_label("Describe what you see").fill("Lampen ved stien er gået ud.")
    phone.get_by_role("button", name="Use my position").click()
    expect(phone.locator("input[name=lat]")).not_to_have_value("", timeout=10_000)
    phone.locator("input[type=file][name=photos]:not([capture])").set_input_files(str(photo))
    phone.get_by_text("Follow your observation by e-mail (optional)").click()
    phone.get_by_label("Your e-mail address").fill("anna@example.dk")
    phone.get_by_role("button", name="Send observation").click()
    wait_waiting(phone, 1)
    (key,) = outbox_keys(phone, walk)
    lat = phone.evaluate(
        "key => window.fieldapp.outboxStore.get(key)"
        ".then(r => r.fields.find(p => p[0] === 'lat')[1])",
        key,
    )

    # Back online it is sent by itself and refused: the card says why and offers to correct it.
    context.set_offline(False)
    outbox = phone.locator("[data-outbox]")
    correct = outbox.get_by_role("link", name="Correct it")
    expect(correct).to_be_visible(timeout=30_000)
    expect(outbox.locator(".outbox-item .field-errors")).not_to_be_empty()
    expect(outbox.get_by_role("button", name="Remove from the phone")).to_be_visible()
    screenshot(phone, "outbox-refused")
    assert stored(walk) == []

    correct.click()
    expect(phone.get_by_label("Describe what you see")).to_have_value(
        "Lampen ved stien er gået ud."
    )
    expect(phone.get_by_label("Your e-mail address")).to_have_value("anna@example.dk")
    expect(phone.locator("input[name=category][value=lighting]")).to_be_checked()
    expect(phone.locator("input[name=lat]")).to_have_value(lat)
    expect(phone.locator("[data-position-status]")).to_contain_text("Position found")
    expect(phone.locator("input[name=client_key]")).to_have_value(key)
    status = phone.locator("[data-outbox-status]")
    expect(status).to_contain_text("Correct the observation in the form")
    expect(status).to_contain_text("1 photo from before is kept.")
    screenshot(phone, "outbox-correcting")

    phone.get_by_label("Yes, e-mail me when the status changes").check()
    phone.get_by_role("button", name="Send observation").click()
    phone.wait_for_url(f"**/w/{walk.join_token}/mine?sent=*")
    (observation,) = stored(walk)
    assert observation.client_key == key
    assert observation.text == "Lampen ved stien er gået ud."
    assert observation.reporter_email == "anna@example.dk" and observation.email_consent
    assert len(observation.photos) == 1  # the photo kept on the phone came along
    assert outbox_keys(phone, walk) == []


def test_online_a_photo_is_not_lost_to_a_missing_category_or_a_refused_field(
    live, make_walk, new_context, tmp_path
) -> None:
    """Online, the server's page cannot give a chosen photo back (a file input cannot be
    refilled): the phone asks for the category itself, and a field the server refuses is
    corrected with the photo kept on the phone."""
    walk = make_walk()
    photo = tmp_path / "IMG_2043.jpg"
    context, phone = joined_phone_with_photo(new_context, live, walk, photo)
    phone.get_by_label("Describe what you see").fill("Hullet i hegnet er blevet større.")
    phone.get_by_role("button", name="Use my position").click()
    expect(phone.locator("input[name=lat]")).not_to_have_value("", timeout=10_000)
    phone.locator("input[type=file][name=photos]:not([capture])").set_input_files(str(photo))

    # No category: said on the phone, nothing posted, the photo still chosen.
    phone.get_by_role("button", name="Send observation").click()
    expect(phone.locator("[data-outbox-status]")).to_have_text(
        "Choose what the observation is about."
    )
    assert phone.url.endswith(f"/w/{walk.join_token}/new")
    expect(phone.locator("[data-photo-count]").first).to_have_text("1 photo chosen")
    assert stored(walk) == []

    # A field the server refuses (an address without consent): corrected with the photo kept.
    phone.locator("input[name=category][value=paths_traffic]").check()
    phone.get_by_text("Follow your observation by e-mail (optional)").click()
    phone.get_by_label("Your e-mail address").fill("bo@example.dk")
    phone.get_by_role("button", name="Send observation").click()
    status = phone.locator("[data-outbox-status]")
    expect(status).to_contain_text("Correct the observation in the form")
    expect(status).to_contain_text("1 photo from before is kept.")
    expect(phone.get_by_label("Describe what you see")).to_have_value(
        "Hullet i hegnet er blevet større."
    )
    assert stored(walk) == []

    phone.get_by_label("Yes, e-mail me when the status changes").check()
    phone.get_by_role("button", name="Send observation").click()
    phone.wait_for_url(f"**/w/{walk.join_token}/mine?sent=*")
    (observation,) = stored(walk)
    assert observation.category == "paths_traffic" and len(observation.photos) == 1
