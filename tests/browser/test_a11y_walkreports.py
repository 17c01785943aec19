"""The walk's follow-up report on a phone (390×844): joining with an e-mail for the report,
the coordinator publishing it, and the public page read on the phone; plus axe on every new or
changed page, with the helpers of the accessibility sweep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db
from fieldapp.walkreports.models import WalkReport
from fieldapp.walks.models import Participant, Walk

from .a11y_checks import DESKTOP, check_pages
from .a11y_pages import login
from .conftest import screenshot
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")
COORDINATOR = DEMO_ACCOUNTS[0]


@dataclass
class ReportDemo:
    running_token: str
    running_walk_id: int
    closed_walk_id: int
    report_token: str


def load(runner) -> ReportDemo:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    walks = {w.status: w for w in db.session.scalars(select(Walk))}
    report = db.session.scalars(select(WalkReport)).one()
    return ReportDemo(
        running_token=walks["running"].join_token,
        running_walk_id=walks["running"].id,
        closed_walk_id=walks["closed"].id,
        report_token=report.token,
    )


def public_report_pages(page, live, demo, lang) -> Iterator[tuple[str, bool]]:
    page.goto(f"{live}/r/{demo.report_token}")
    yield "published report", True
    page.goto(f"{live}/j/{demo.running_token}")
    page.get_by_text(
        "Get the follow-up report by e-mail" if lang == "en" else "Få opfølgnings"
    ).click()
    yield "join form with the report e-mail open", True
    page.locator("form button.primary").click()  # no role chosen: the form shows its errors
    page.wait_for_load_state()
    yield "join form with errors", True


def coordinator_report_pages(page, live, demo, lang) -> Iterator[tuple[str, bool]]:
    login(page, live, COORDINATOR[0], COORDINATOR[1])
    page.goto(f"{live}/walks/{demo.closed_walk_id}")
    yield "closed walk with its area and report", False
    page.goto(f"{live}/walks/{demo.closed_walk_id}/report")
    yield "report editor (published)", False
    page.goto(f"{live}/walks/{demo.running_walk_id}/report")
    yield "report editor (no report yet)", False
    page.goto(f"{live}/walks/{demo.running_walk_id}/report/preview")
    yield "report preview", False


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("phone", "en"), ("desktop", "en")])
def test_report_pages_pass_axe(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load(runner), public_report_pages, view, lang)
    assert tally.pages == 3
    assert tally.badges >= 3, "the report's status pills were not checked"


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_coordinator_report_pages_pass_axe(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load(runner), coordinator_report_pages, view, lang)
    assert tally.pages == 4


def test_participant_asks_for_the_report_and_reads_it_on_the_phone(live, runner, new_context):
    demo = load(runner)
    phone = new_context().new_page()
    phone.goto(f"{live}/j/{demo.running_token}")
    phone.get_by_text("Beboer", exact=False).first.click()
    phone.get_by_text("Få opfølgningsrapporten på e-mail").click()
    phone.get_by_label("Din e-mailadresse (frivilligt)").fill("nabo@example.dk")
    phone.get_by_label("Send mig opfølgningsrapporten").check()
    phone.get_by_role("button", name="Vær med på vandringen").click()
    phone.wait_for_load_state()
    assert f"/j/{demo.running_token}" not in phone.url, "joining failed"
    db.session.expire_all()
    person = db.session.scalars(
        select(Participant).where(Participant.email == "nabo@example.dk")
    ).one()
    assert person.email_consent and person.locale == "da"

    # The coordinator closes the walk and publishes its report from a desktop browser.
    desk = new_context(**DESKTOP).new_page()
    login(desk, live, COORDINATOR[0], COORDINATOR[1])
    desk.goto(f"{live}/walks/{demo.running_walk_id}")
    desk.wait_for_load_state()
    desk.locator("#status").select_option("closed")
    desk.get_by_role("button", name="Skift status").click()
    desk.wait_for_load_state()
    desk.get_by_role("link", name="Skriv rapporten").click()
    desk.get_by_label("Indledning").fill("Tak for en god aften i Karolinelunden.")
    desk.get_by_role("button", name="Offentliggør").click()
    desk.wait_for_load_state()
    assert "Rapporten er offentliggjort" in desk.content()
    link = desk.locator("#report-link").input_value()

    # The participant opens the link on the phone: readable without zooming or sideways scrolling.
    phone.goto(link)
    phone.wait_for_load_state()
    assert phone.get_by_role("heading", level=1).inner_text() == (
        "Tryghedsvandring i Midtbyens pladser"
    )
    assert phone.get_by_text("Tak for en god aften i Karolinelunden.").is_visible()
    assert phone.get_by_role("heading", name="Det fandt vi").is_visible()
    assert phone.locator("svg.report-map").is_visible()
    wide = phone.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide}px wide on a 390px phone"
    body = phone.locator("main").inner_text()
    assert "nabo@example.dk" not in body
    pdf_link = phone.get_by_role("link", name="Hent som PDF")
    assert pdf_link.bounding_box()["height"] >= 44
    # The first PDF also loads WeasyPrint and its fonts: slow on a busy 2-core machine.
    response = phone.request.get(urljoin(phone.url, pdf_link.get_attribute("href")), timeout=90_000)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    screenshot(phone, "walk-report-phone")
