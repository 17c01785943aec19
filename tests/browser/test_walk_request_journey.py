"""Issue 8, bar (1): a resident asks for a safety walk at Karolinelunden on their phone without
an account; a coordinator accepts it from the queue; the planned walk exists with the request's
place, and the resident is e-mailed (a real SMTP server on loopback, via the outbox worker).
"""

from __future__ import annotations

import json
import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from fieldapp.areas.services import create_area
from fieldapp.extensions import db
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Walk

from .conftest import screenshot
from .waiting import wait_until

RESIDENT_EMAIL = "beboer.karolinelunden@example.dk"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(_migrated_app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: _migrated_app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    _migrated_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    _migrated_app.config.update(saved)
    controller.stop()


@pytest.fixture
def midtbyen(app):
    west, south, east, north = 9.9110, 57.0420, 9.9310, 57.0495
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = create_area(
        db.session, "Midtbyens pladser", json.dumps({"type": "Polygon", "coordinates": [ring]})
    )
    db.session.commit()
    return area


def test_resident_requests_a_walk_at_karolinelunden_and_a_coordinator_accepts_it(
    live, runner, new_context, smtp, midtbyen, kit
):
    # The resident, on a Danish phone, starts from the public front page.
    phone = new_context().new_page()
    phone.goto(live + "/")
    phone.get_by_role("link", name="Bed om en tryghedsvandring").click()
    phone.wait_for_load_state()
    phone.get_by_label("Beboer", exact=True).check()
    phone.get_by_label("Hvor skal vi gå?").fill("Karolinelunden, Aalborg")
    phone.locator("[data-pin-map]").click()  # a pin where the map is centred: the city centre
    wait_until(phone, "document.querySelector('input[name=lat]').value !== ''")
    assert phone.locator("[data-position-status]").inner_text() == "Nålen er sat på kortet."
    phone.get_by_label("Hvorfor? Hvad føles utrygt, og hvornår?").fill(
        "Stien langs skråningen er helt mørk efter kl. 17, og buskene gror ind over den."
    )
    phone.get_by_label("Belysning").check()
    phone.get_by_label("Om aftenen, efter mørkets frembrud").check()
    phone.get_by_label("Din e-mailadresse (frivilligt)").fill(RESIDENT_EMAIL)
    phone.get_by_label("Ja, send mig en e-mail, når min anmodning er besvaret").check()
    screenshot(phone, "walk-request-form")
    phone.get_by_role("button", name="Send anmodning").click()
    assert "Tak! Din anmodning er sendt." in phone.locator("main").inner_text()
    tracking_url = phone.locator("a.receipt-link").get_attribute("href")
    assert re.fullmatch(re.escape(live) + r"/request-walk/t/[A-Za-z0-9_-]{32}", tracking_url)
    screenshot(phone, "walk-request-receipt")

    # A coordinator logs in on their phone and finds the request in the queue.
    kit.make_user("coordinator", "koordinator@aalborg.example.dk")
    coordinator = new_context().new_page()
    coordinator.goto(live + "/login")
    coordinator.locator("input[name=email]").fill("koordinator@aalborg.example.dk")
    coordinator.locator("input[name=password]").fill(kit.PASSWORDS["coordinator"])
    coordinator.locator("form button[type=submit]").last.click()
    coordinator.get_by_role("button", name="Menu").click()  # the staff links fold on a phone
    coordinator.get_by_role("link", name="Anmodninger", exact=True).click()
    assert "Ikke besvaret" in coordinator.locator("main").inner_text()
    coordinator.get_by_role("link", name="Karolinelunden, Aalborg").click()
    assert "Midtbyens pladser" in coordinator.locator("main").inner_text()
    coordinator.get_by_role("button", name="Accepter og planlæg en vandring").click()

    # The walk's edit page, pre-filled from the request: the coordinator sets the date.
    assert re.search(r"/walks/\d+/edit$", coordinator.url)
    assert coordinator.get_by_label("Område eller sted").input_value() == "Karolinelunden, Aalborg"
    coordinator.locator("input[name=starts_at]").fill("2026-12-10T19:00")
    coordinator.locator("form button[type=submit]").last.click()
    assert "Ønsket af" in coordinator.locator("main").inner_text()
    screenshot(coordinator, "walk-request-accepted-walk")

    db.session.expire_all()
    walk = db.session.scalars(select(Walk)).one()
    req = db.session.scalars(select(WalkRequest)).one()
    assert (walk.status, walk.place_name, walk.area_id) == (
        "planned",
        "Karolinelunden, Aalborg",
        midtbyen.id,
    )
    assert (walk.meeting_lat, walk.meeting_lon) == (req.lat, req.lon)
    assert req.walk_id == walk.id and req.status == "accepted"

    # The resident's tracking page shows the planned walk; the mails go out through the outbox.
    phone.goto(tracking_url)
    text = phone.locator("main").inner_text()
    assert "Accepteret: en vandring er planlagt" in text and "10. dec. 2026" in text
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    to_resident = [m for m in smtp.messages if m["To"] == RESIDENT_EMAIL]
    assert [m["Subject"].split(":")[0].strip() for m in to_resident] == [
        "Vi har modtaget din anmodning om en tryghedsvandring",
        "Din anmodning er accepteret",
    ]
    assert tracking_url in to_resident[-1].get_body(("plain",)).get_content()
