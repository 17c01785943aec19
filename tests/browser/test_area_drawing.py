"""An admin draws a new area by clicking its corners on the map, names it and saves it; the
polygon stored is where they clicked, and the areas page shows it on the overview map."""

from __future__ import annotations

import json
import math

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.areas.models import Area
from fieldapp.extensions import db

from .conftest import screenshot

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
CENTER = (57.048, 9.921)  # the drawing map's data-center
ZOOM = 15  # its starting zoom when there are no other areas to fit
# Pixel offsets from the map's centre for the four corners, clockwise from the north-west.
CLICKS = [(-160, -110), (170, -100), (150, 120), (-140, 110)]


def pixel_to_latlon(dx: float, dy: float) -> tuple[float, float]:
    """Web Mercator at ZOOM: where a click `dx`, `dy` pixels from CENTER lands."""
    scale = 256 * 2**ZOOM
    x0 = (CENTER[1] + 180) / 360 * scale
    s = math.sin(math.radians(CENTER[0]))
    y0 = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    lon = (x0 + dx) / scale * 360 - 180
    n = math.pi - 2 * math.pi * (y0 + dy) / scale
    lat = math.degrees(math.atan(math.sinh(n)))
    return lat, lon


def test_admin_draws_an_area_by_clicking_its_corners(live, new_context, kit):
    kit.make_user("admin")
    page = new_context(**DESKTOP, locale="en-GB").new_page()
    page.goto(live + "/login")
    page.get_by_label("E-mail").fill("admin@example.dk")
    page.get_by_label("Password").fill(kit.PASSWORDS["admin"])
    page.locator("main form button[type=submit]").click()

    page.goto(live + "/admin/areas")
    page.get_by_role("link", name="Add an area").click()
    drawing = page.get_by_role("application", name="Map for drawing the area’s outline")
    status = page.locator("[data-draw-status]")
    expect(status).to_contain_text("first corner")  # the map script is running

    drawing.scroll_into_view_if_needed()
    box = drawing.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in CLICKS[:3]:
        page.mouse.click(cx + dx, cy + dy)
    # A wrong fourth click is taken back with "Undo last point".
    page.mouse.click(cx, cy)
    page.get_by_role("button", name="Undo last point").click()
    page.mouse.click(cx + CLICKS[3][0], cy + CLICKS[3][1])
    expect(drawing.locator(".area-corner")).to_have_count(4)
    expect(status).to_contain_text("4 corners placed")

    page.get_by_role("button", name="Finish").click()
    expect(status).to_contain_text("Outline finished with 4 corners")
    expect(page.get_by_role("button", name="Finish")).to_be_disabled()
    field = json.loads(page.get_by_label("Outline as GeoJSON").input_value())
    assert field["type"] == "Polygon" and len(field["coordinates"][0]) == 5
    page.get_by_label("Name").fill("Karolinelunden")
    screenshot(page, "area-drawn")
    page.get_by_role("button", name="Add area").click()

    page.get_by_text("The area Karolinelunden is added.").wait_for()
    overview = page.get_by_role("region", name="Map of the areas")
    expect(overview).to_have_attribute("data-areas", "1")
    expect(overview.locator("path.leaflet-interactive")).to_have_count(1)
    screenshot(page, "areas-overview")

    db.session.rollback()
    area = db.session.scalars(select(Area)).one()
    assert area.name == "Karolinelunden"
    corners = [pixel_to_latlon(dx, dy) for dx, dy in CLICKS]
    lats = [lat for lat, _ in corners]
    lons = [lon for _, lon in corners]
    tolerance = 0.0001  # ~ 4 px at this zoom
    assert math.isclose(area.south, min(lats), abs_tol=tolerance)
    assert math.isclose(area.north, max(lats), abs_tol=tolerance)
    assert math.isclose(area.west, min(lons), abs_tol=tolerance)
    assert math.isclose(area.east, max(lons), abs_tol=tolerance)
    assert json.loads(area.geometry)["type"] == "Polygon"

    # The edit page draws the stored outline again, with its corners ready to drag.
    page.get_by_role("link", name="Edit Karolinelunden").first.click()
    corners_on_map = page.get_by_role("application").locator(".area-corner")
    expect(corners_on_map).to_have_count(4)
    screenshot(page, "area-edit")

    # Pasting GeoJSON redraws the map; saving stores the pasted outline.
    triangle = [[9.92, 57.04], [9.93, 57.04], [9.925, 57.05], [9.92, 57.04]]
    page.get_by_role("button", name="Clear").click()
    page.get_by_label("Outline as GeoJSON").fill(
        json.dumps({"type": "Polygon", "coordinates": [triangle]})
    )
    expect(corners_on_map).to_have_count(3)
    page.get_by_role("button", name="Save area").click()
    page.get_by_text("The area Karolinelunden is saved.").wait_for()
    db.session.rollback()
    assert db.session.get(Area, area.id).north == 57.05
