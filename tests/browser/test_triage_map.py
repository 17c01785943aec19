"""A coordinator reads a crowded triage map: numbered clusters from the server that zoom in
when chosen, then single points whose details load when their popup opens."""

from __future__ import annotations

from datetime import UTC, datetime

from fieldapp.auth.services import create_user
from fieldapp.capture.models import Observation
from fieldapp.extensions import db

from .waiting import wait_until

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False}
LAT, LON = 57.048, 9.921


def test_coordinator_zooms_from_clusters_to_a_point_and_reads_it(live, new_context):
    create_user(db.session, "koord@example.dk", "Karen", "lang-nok-adgangskode-1", "coordinator")
    # Two groups about 33 km apart, a few metres between the points inside a group.
    for i in range(40):
        lat = LAT + (0.3 if i % 2 else 0) + i * 0.00003
        db.session.add(
            Observation(
                category="lighting",
                text=f"Lampe {i} er gået",
                lat=lat,
                lon=LON,
                created_at=datetime(2026, 11, 1, 12, i, tzinfo=UTC),
            )
        )
    db.session.commit()

    page = new_context(locale="en-GB", **DESKTOP).new_page()
    page.goto(live + "/login")
    page.locator("input[name=email]").fill("koord@example.dk")
    page.locator("input[name=password]").fill("lang-nok-adgangskode-1")
    page.locator("form button[type=submit]").last.click()
    page.goto(live + "/triage/?kind=observations")
    page.set_default_timeout(15_000)

    # The whole data set first comes as clusters; the map fits them and asks for its view.
    cluster = page.get_by_role("button", name="items here. Select to zoom in.").first
    cluster.wait_for()
    assert "groups of nearby items" in page.locator("[data-map-note]").inner_text()
    # A grid cell boundary may split a group: a cluster holds some or all of its 20.
    count = int(cluster.get_attribute("title").split()[0])
    assert 1 <= count <= 20 and cluster.inner_text() == str(count)
    cluster.click()
    # Zoomed in on it: its single points (and any just across the cell line), no clusters.
    wait_until(
        page,
        "(n) => { const el = document.querySelector('[data-triage-map]');"
        " return el.dataset.clusters === '0' && Number(el.dataset.markers) >= n; }",
        count,
    )
    assert page.locator("[data-map-note]").inner_text() == ""
    # Two points may sit on top of each other at this zoom, so a tap could land on the other
    # one; the keyboard opens exactly this point's popup (Leaflet: Enter on a focused marker).
    point = page.locator(".tri-pin-observation").first
    point.focus()
    point.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_text("er gået").wait_for()
    assert "Lampe" in popup.inner_text()
