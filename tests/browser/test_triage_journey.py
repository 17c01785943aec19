"""Issue 3's journey: two residents report the same dark path, the coordinator merges the
reports into one issue and forwards it (the routing rule preselects Park og Vej), the
administration is e-mailed, its staff user works the issue from their own queue, and the
reporter's tracking page shows the outcome and the public comment.
"""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.orgs.defaults import DEMO_STAFF

from .conftest import screenshot
from .waiting import wait_until

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False}
# Two fixes about 9 m apart on the path in Karolinelunden: the same lamp.
FIX_A = {"latitude": 57.04622, "longitude": 9.92845, "accuracy": 8}
FIX_B = {"latitude": 57.04630, "longitude": 9.92847, "accuracy": 10}


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


def report(new_context, join_url, fix, text, email=None) -> str:
    """A resident joins by the QR link and reports; returns the receipt's tracking code."""
    phone = new_context(geolocation=fix, permissions=["geolocation"]).new_page()
    phone.goto(join_url)
    phone.locator("input[name=role][value=resident]").check()
    phone.locator("form button[type=submit]").last.click()
    phone.locator("input[name=category][value=lighting]").check()
    phone.locator("textarea[name=text]").fill(text)
    phone.wait_for_load_state()  # deferred scripts attach the button's handler
    phone.locator("[data-locate]").click()
    wait_until(phone, "document.querySelector('input[name=lat]').value !== ''")
    if email:
        phone.locator("details.follow-email summary").click()
        phone.locator("input[name=reporter_email]").fill(email)
        phone.locator("input[name=email_consent]").check()
    phone.locator("form[data-capture-form] button.primary").click()
    code = phone.locator(".receipt-code").inner_text()
    return re.sub(r"\s", "", code)


def login(page, live, email, password):
    page.goto(live + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()


def test_duplicates_merged_routed_resolved_and_reporter_sees_outcome(
    live, runner, new_context, smtp
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    coordinator = new_context(locale="en-GB", **DESKTOP).new_page()
    login(coordinator, live, *DEMO_ACCOUNTS[0][:2])
    coordinator.goto(live + "/walks/")
    coordinator.get_by_role("link", name="Tryghedsvandring i Midtbyens pladser").click()
    join_url = coordinator.get_by_label("Join link").input_value()

    code = report(new_context, join_url, FIX_A, "Lampen ved trappen er gået.", "beboer@example.dk")
    report(new_context, join_url, FIX_B, "Helt mørkt ved trappen i aften.")

    # Triage: start an issue from the first report; the second is suggested as a duplicate.
    coordinator.goto(live + "/triage/?kind=observations&category=lighting&q=trappen")
    coordinator.locator("tr", has_text="Lampen ved trappen").locator("input[name=obs]").check()
    coordinator.locator("[data-create-issue]").click()
    preselected = coordinator.locator("select[name=administration_id] option:checked")
    assert preselected.inner_text().startswith("By- og Landskabsforvaltningen")
    coordinator.get_by_role("button", name="Create only").click()
    coordinator.locator(".card", has_text="Helt mørkt ved trappen").get_by_role(
        "button", name="Merge into this issue"
    ).click()
    assert coordinator.locator(".obs-card").count() == 2
    screenshot(coordinator, "issue-merged")

    # Route it: forwarding preselects the administration from the routing rule.
    coordinator.locator("select[name=to_status]").select_option("forwarded")
    admin_select = coordinator.locator("select[name=administration_id]")
    assert (
        admin_select.locator("option:checked")
        .inner_text()
        .startswith("By- og Landskabsforvaltningen")
    )
    coordinator.locator("textarea[name=public_comment]").fill("Sendt til Park og Vej.")
    coordinator.get_by_role("button", name="Save status").click()
    issue_url = coordinator.url
    assert "Forwarded" in coordinator.locator(".status-badge, .badge").first.inner_text()

    # The administration's e-mail goes out through the outbox worker to a real SMTP server.
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    to_admin = [m for m in smtp.messages if "park-vej@example.dk" in m["To"]]
    assert to_admin, [m["To"] for m in smtp.messages]
    body = to_admin[0].get_body(("plain",)).get_content()
    assert issue_url.split("//", 1)[1].split("/", 1)[1] in body

    # The administration's staff user sees only their queue and works the issue.
    staff = new_context(locale="en-GB", **DESKTOP).new_page()
    login(staff, live, *DEMO_STAFF)
    assert "/triage/queue" in staff.url
    queue_text = staff.locator("main").inner_text()
    assert "Lampen ved trappen" in queue_text or "Lighting" in queue_text
    assert "Brandbart affald" not in queue_text  # the fire service's issue is not theirs
    staff.goto(issue_url)
    staff.locator("select[name=to_status]").select_option("in_progress")
    staff.get_by_role("button", name="Save status").click()
    staff.locator("select[name=to_status]").select_option("resolved")
    staff.locator("textarea[name=public_comment]").fill("Lampen er skiftet i dag.")
    staff.locator("textarea[name=internal_note]").fill("Arbejdsordre 5521")
    staff.get_by_role("button", name="Save status").click()
    assert "Resolved" in staff.locator("main").inner_text()
    screenshot(staff, "issue-resolved-by-staff")

    # The reporter follows the code from the receipt, without an account, in Danish.
    reporter = new_context().new_page()
    reporter.goto(f"{live}/t/{code}")
    page_text = reporter.locator("main").inner_text()
    assert "Lampen er skiftet i dag." in page_text
    assert "Arbejdsordre" not in page_text
    assert "Helt mørkt" not in page_text  # another reporter's text stays private
    assert reporter.locator("html").get_attribute("lang") == "da"
    screenshot(reporter, "tracking-page")
    runner.invoke(args=["mail-worker", "--once"])
    to_reporter = [m for m in smtp.messages if m["To"] == "beboer@example.dk"]
    assert (
        to_reporter
        and "Lampen er skiftet i dag." in to_reporter[-1].get_body(("plain",)).get_content()
    )
