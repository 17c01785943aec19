"""Issue 8's "you said, we did" on a phone: the responsible administration's staff add an
"after" photo to an issue from the issue page; the reporter's tracking page then shows the
photos from before and after side by side, blurred, and both pages pass axe and the 44 px
target check at 390×844."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.orgs.defaults import DEMO_STAFF

from .a11y_checks import axe_failures, target_size_failures
from .a11y_pages import load_demo, login
from .conftest import screenshot
from .photo_steps import astronaut_file
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)


def test_staff_add_an_after_photo_and_the_reporter_sees_before_and_after(
    live,
    runner,
    new_context,
    tmp_path,
    compiled_catalogues,  # noqa: F811
) -> None:
    demo = load_demo(runner)
    observation = db.session.scalars(
        select(Observation)
        .where(Observation.issue_id == demo.staff_issue_id)
        .order_by(Observation.id)
    ).first()
    photo = tmp_path / "efter.jpg"
    astronaut_file(photo)

    page = new_context(locale="en-GB").new_page()
    login(page, live, *DEMO_STAFF)
    page.goto(f"{live}/triage/issues/{demo.staff_issue_id}")
    section = page.locator("#after-photos")
    expect(section.get_by_role("heading", name="After photos (0)")).to_be_visible()
    # Nothing chosen: a clear message, nothing saved.
    section.get_by_role("button", name="Add after photos").click()
    expect(page.get_by_text("Choose at least one photo.")).to_be_visible()
    section = page.locator("#after-photos")
    section.get_by_label("After photos").set_input_files(str(photo))
    section.get_by_role("button", name="Add after photos").click()
    expect(page.get_by_text("1 after photo is added. Reporters see it blurred.")).to_be_visible()
    section = page.locator("#after-photos")
    expect(section.get_by_role("heading", name="After photos (1)")).to_be_visible()
    expect(section.get_by_role("img", name="After photo 1", exact=False)).to_be_visible()
    expect(section.get_by_role("link", name="Blur or hide")).to_be_visible()
    failures = axe_failures(page, "staff issue with an after photo")
    section.scroll_into_view_if_needed()
    screenshot(page, "after-photo-issue")

    reporter = new_context(locale="en-GB").new_page()
    reporter.goto(f"{live}/t/{observation.tracking_code}")
    pair = reporter.get_by_role("region", name="Before and after")
    expect(pair).to_be_visible()
    after = pair.get_by_role("img", name="Photo 1 after the work")
    expect(after).to_be_visible()
    assert "/photos/p/" in after.get_attribute("src")  # the signed, blurred rendition
    failures += axe_failures(reporter, "tracking page with before and after")
    failures += target_size_failures(reporter, "tracking page with before and after")
    screenshot(reporter, "after-photo-tracking")
    assert not failures, "\n".join(failures)
