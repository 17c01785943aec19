"""What the photo journeys share: a resident on a phone in Løvvangen sends an observation with a
photo of a face (scikit-image's astronaut) from the capture form of a walk."""

from __future__ import annotations

from .waiting import wait_until

GPS = {"latitude": 57.0622, "longitude": 9.9140, "accuracy": 12}  # Løvvangen
WALK_TITLE = "Aftenvandring i Løvvangen"


def astronaut_file(path) -> None:
    from io import BytesIO

    from PIL import Image
    from skimage import data

    buf = BytesIO()
    Image.fromarray(data.astronaut()).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())


def resident_phone(new_context):
    """A fresh 390×844 phone in English that shares its GPS position."""
    return new_context(locale="en-GB", geolocation=GPS, permissions=["geolocation"]).new_page()


def send_photo_as_resident(phone, live: str, walk, photo_file, text: str) -> None:
    """Join `walk` as a resident, fill in an observation with the GPS position and a photo of a
    face saved to `photo_file`, and send it; returns once the form is submitted."""
    phone.goto(f"{live}/j/{walk.join_token}")
    phone.locator("input[name=role][value=resident]").check()
    phone.locator("form button[type=submit]").last.click()
    phone.locator("input[name=category][value=other]").check()
    phone.locator("textarea[name=text]").fill(text)
    astronaut_file(photo_file)
    phone.wait_for_load_state()  # deferred scripts attach the button's handler
    phone.locator("[data-locate]").click()
    wait_until(phone, "document.querySelector('input[name=lat]').value !== ''")
    phone.locator("input[type=file][name=photos]:not([capture])").set_input_files(str(photo_file))
    phone.locator("form[data-capture-form] button.primary").click()
