"""Issue 4's meeting journey: an admin adds an area by pasting GeoJSON, a coordinator makes a
local group for it and runs a dialogue meeting. Two phones join by the QR link and vote; the
presenter view shows the new totals and a new observation without reloading. The meeting
records a decision with an action item for an administration, and the minutes PDF holds it.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from pypdf import PdfReader

from fieldapp.demo import DEMO_ACCOUNTS

from .conftest import screenshot

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
# Around the demo walk's findings in Løvvangen (lon, lat as GeoJSON wants).
OUTLINE = {
    "type": "Feature",
    "properties": {"name": "Løvvangen Syd"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [9.9080, 57.0680],
                [9.9125, 57.0680],
                [9.9125, 57.0700],
                [9.9080, 57.0700],
                [9.9080, 57.0680],
            ]
        ],
    },
}
DECISION = "Park og Vej sætter to nye lamper op på stien inden jul."
ACTION = "To nye lamper på stien mellem blok 4 og 6"


def login(page, live, email, password):
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login" not in url)


def join_and_vote(new_context, join_url, role, votes):
    """A phone joins from the QR link and spends its dots: `votes` is a list of issue ids."""
    phone = new_context().new_page()
    phone.goto(join_url)
    phone.locator(f"input[name=role][value={role}]").check()
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url("**/findings")
    phone.wait_for_load_state()  # the vote buttons are wired up by a deferred script
    left = phone.locator("[data-votes-left]")
    for issue_id in votes:
        before = left.inner_text()
        phone.locator(f'[data-finding="{issue_id}"] [data-vote]').click()
        # A locator assertion compares whitespace-normalised text and polls without eval (CSP).
        expect(left).not_to_have_text(before, timeout=10_000)
    return phone


def test_meeting_votes_show_live_and_decision_reaches_the_minutes_pdf(
    live, runner, new_context, tmp_path
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    tz = ZoneInfo("Europe/Copenhagen")
    today = datetime.now(tz)

    # An admin adds the area by pasting GeoJSON.
    admin = new_context(locale="en-GB", **DESKTOP).new_page()
    login(admin, live, *DEMO_ACCOUNTS[1][:2])
    admin.goto(live + "/admin/areas/new")
    admin.locator("input[name=name]").fill("Løvvangen Syd")
    admin.locator("textarea[name=geojson]").fill(json.dumps(OUTLINE))
    admin.get_by_role("button", name="Add area").click()
    assert "Løvvangen Syd" in admin.locator("main").inner_text()

    # The coordinator makes a local group for it and plans a meeting.
    desk = new_context(locale="en-GB", **DESKTOP)
    coordinator = desk.new_page()
    login(coordinator, live, *DEMO_ACCOUNTS[0][:2])
    coordinator.goto(live + "/groups/new")
    coordinator.get_by_label("Name").fill("Tryghedsgruppen Løvvangen Syd")
    coordinator.get_by_label("Area").select_option(label="Løvvangen Syd")
    coordinator.get_by_role("button", name="Save group").click()
    coordinator.get_by_role("link", name="New meeting").click()
    coordinator.get_by_label("Title").fill("Dialogmøde om stien")
    coordinator.get_by_label("Date and time").fill(today.strftime("%Y-%m-%dT18:00"))
    coordinator.get_by_label("Place").fill("Beboerhuset")
    coordinator.get_by_label("Votes per participant").fill("3")
    coordinator.get_by_role("button", name="Save meeting").click()
    meeting_url = coordinator.url
    join_url = coordinator.get_by_label("Join link").input_value()
    assert coordinator.locator(".mtg-finding").count() == 3

    # The presenter view on the projector; the marker proves the page is never reloaded.
    presenter = desk.new_page()
    presenter.goto(meeting_url + "/present")
    cards = presenter.locator("[data-card]")
    first, second = (cards.nth(i).get_attribute("data-issue") for i in (0, 1))
    assert presenter.locator(f'[data-votes-for="{first}"]').inner_text() == "0"
    presenter.evaluate("window.__marker = 1")

    phone_a = join_and_vote(new_context, join_url, "resident", [first, first, second])
    join_and_vote(new_context, join_url, "police", [first])
    assert "You have 0 of 3" in phone_a.locator("[data-votes-left]").inner_text() or (
        "0 af 3" in phone_a.locator("[data-votes-left]").inner_text()
    )
    assert phone_a.locator("[data-vote]").first.is_disabled()  # no dots left

    # A locator assertion: wait_for_function's polling evaluates a string, which the CSP refuses.
    expect(presenter.locator(f'[data-votes-for="{first}"]')).to_have_text("3", timeout=10_000)
    assert presenter.locator(f'[data-votes-for="{second}"]').inner_text() == "1"
    assert presenter.locator("[data-live-votes-cast]").inner_text() == "4"
    assert presenter.locator("[data-live-participants]").inner_text() == "2"

    # A phone adds an observation; it appears on the projector too.
    phone_a.locator("a[href$='/observe']").click()
    phone_a.locator("label.tile", has=phone_a.locator("input[value=lighting]")).click()
    phone_a.locator("textarea[name=text]").fill("Mørkt ved cykelskuret om aftenen")
    phone_a.locator("form button[type=submit]").last.click()
    phone_a.wait_for_url("**/findings")
    presenter.get_by_text("Mørkt ved cykelskuret om aftenen").wait_for()

    # Keyboard: → shows the next card, L the list; still the same page.
    presenter.keyboard.press("ArrowRight")
    assert cards.nth(1).is_visible() and not cards.nth(0).is_visible()
    presenter.keyboard.press("l")
    assert cards.nth(0).is_visible() and cards.nth(1).is_visible()
    assert presenter.evaluate("window.__marker") == 1
    screenshot(presenter, "meeting-presenter-live")
    screenshot(phone_a, "meeting-phone-voted")

    # The meeting decides, with an action item for an administration.
    coordinator.goto(meeting_url)
    finding = coordinator.locator(f"#finding-{first}")
    finding.get_by_text("Record a decision").click()
    finding.get_by_label("Decision", exact=True).fill(DECISION)
    finding.get_by_label("Action item (what will be done)").fill(ACTION)
    finding.get_by_label("Responsible administration").select_option(
        label="By- og Landskabsforvaltningen"
    )
    finding.get_by_label("Deadline").fill((today + timedelta(days=30)).strftime("%Y-%m-%d"))
    finding.get_by_role("button", name="Save decision").click()
    assert (
        "The decision and its action item are recorded."
        in coordinator.locator(".flashes").inner_text()
    )
    presenter.locator(f'[data-decided-for="{first}"]').wait_for(state="visible")
    assert presenter.evaluate("window.__marker") == 1

    # The minutes as PDF: a real PDF whose text holds the decision and its action item.
    # WeasyPrint's first render in a process (app.css parsed) took over 10 s on a busy CI machine.
    with coordinator.expect_download(timeout=60_000) as download:
        coordinator.get_by_role("link", name="Minutes as PDF").click()
    path = tmp_path / "minutes.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert DECISION in text and ACTION in text and "By- og Landskabsforvaltningen" in text
    screenshot(coordinator, "meeting-page-decided")
