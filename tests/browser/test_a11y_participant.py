"""Issue 5, bar (4), for participants: axe-core finds no violations on any page a resident
reaches from a walk's or a meeting's QR code (join, capture, my observations, tracking), on a
phone and on a desktop, in Danish and in English, and these touch pages have 44×44 px targets
(a11y_checks); the capture form is two taps from the QR code, in plain words, in keyboard order
with visible focus.
"""

from __future__ import annotations

import pytest

from .a11y_checks import DESKTOP, check_pages, wait_until_ready
from .a11y_pages import load_demo, meeting_phone_pages, public_pages
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

# Danish pages must be Danish: words are longer, and a label that wraps can shrink a target.
pytestmark = pytest.mark.usefixtures("compiled_catalogues")


# Public pages in both languages on both screens.
@pytest.mark.parametrize(
    ("view", "lang"), [("phone", "da"), ("phone", "en"), ("desktop", "da"), ("desktop", "en")]
)
def test_public_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), public_pages, view, lang)
    assert tally.pages == 20
    assert tally.badges >= 4, "no status or safety badges were checked"
    assert tally.maps >= 7, "the capture, edit and 'my observations' maps were not checked"
    if view == "phone":
        assert tally.touch_pages == 16


@pytest.mark.parametrize("lang", ["da", "en"])
def test_meeting_phone_pages(live, runner, new_context, lang):
    tally = check_pages(new_context, live, load_demo(runner), meeting_phone_pages, "phone", lang)
    assert tally.pages == tally.touch_pages == 5
    assert tally.maps >= 1, "the observation form's map was not checked"


# --- the participant's path: few taps, plain words, keyboard order --------------------------


def test_capture_form_is_two_taps_from_the_qr_code_with_icons_and_plain_labels(
    live, new_context, make_walk
):
    walk = make_walk()
    page = new_context().new_page()
    page.goto(f"{live}/j/{walk.join_token}")  # the QR code's link
    taps = 0
    page.get_by_text("Beboer", exact=True).click()
    taps += 1
    page.get_by_role("button", name="Vær med på vandringen").click()
    taps += 1
    page.get_by_role("group", name="Hvad handler det om?").wait_for()
    assert taps <= 3

    # Every category is a tile: an icon, a short Danish name that is the radio's name, a hint.
    tiles = page.locator("form[data-capture-form] label.tile")
    assert tiles.count() >= 6
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        icon = tile.locator("img")
        assert icon.evaluate("img => img.complete && img.naturalWidth > 0"), f"tile {i} icon"
        assert icon.get_attribute("alt") == "", "the icon is decoration; the name says it"
        name = tile.locator(".tile-label").inner_text().strip()
        hint = tile.locator(".tile-hint").inner_text().strip()
        assert name and hint, f"tile {i} has no name or no hint"
        assert page.get_by_role("radio", name=name).count() >= 1, name

    # Read aloud, the form is one heading and then its questions as named groups, in order.
    outline = page.locator("main").aria_snapshot()
    order = [
        'heading "Ny observation" [level=1]',
        'group "Hvad handler det om?"',
        'group "Hvor tryg føler du dig her?"',
        'group "Hvor er det?"',
        'button "Send observation"',
    ]
    positions = [outline.find(item) for item in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), outline


FOCUS = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  // The ring may be drawn on the element, or on the tile or label that wraps a hidden input.
  const ring = [el, el.closest('label, .file-button')].filter(Boolean).some((e) => {
    const cs = getComputedStyle(e);
    return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  });
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim();
  return {
    what: `${el.tagName.toLowerCase()} "${name.slice(0, 30)}"`,
    top: r.top + scrollY,
    inMap: !!el.closest('.leaflet-container'),
    ring,
    submit: el.matches('form[data-capture-form] button.primary'),
  };
}"""


@pytest.mark.parametrize("where", ["join", "capture"])
def test_keyboard_focus_follows_the_page_and_is_visible(live, new_context, make_walk, where):
    walk = make_walk()
    # A keyboard user on a narrow window: the phone layout, without touch emulation.
    page = new_context(**{**DESKTOP, "viewport": {"width": 390, "height": 844}}).new_page()
    page.goto(f"{live}/j/{walk.join_token}")
    if where == "capture":
        page.locator("input[name=role][value=resident]").check()
        page.locator("form button[type=submit]").last.click()
        page.locator("form[data-capture-form]").wait_for()
        wait_until_ready(page)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS)
        if stop["what"].startswith("body") or (stops and stop == stops[0]):
            break
        stops.append(stop)
    assert stops[0]["what"].startswith('a "'), f"the skip link comes first: {stops[0]}"
    unringed = [s["what"] for s in stops if not s["ring"]]
    assert not unringed, f"focus is not visible on: {unringed}"
    # One column on a phone: each stop is at or below the one before (a map's own controls
    # sit on top of it, so stops inside a map are left out of the comparison).
    flow = [s for s in stops[1:] if not s["inMap"]]
    back = [
        (a["what"], b["what"])
        for a, b in zip(flow, flow[1:], strict=False)
        if b["top"] < a["top"] - 2
    ]
    assert not back, f"focus jumps back up the page: {back}"
    if where == "capture":
        assert any(s["submit"] for s in stops), "the send button is not reachable by keyboard"
    print("\n".join(f"{s['top']:6.0f} {s['what']}" for s in stops))
