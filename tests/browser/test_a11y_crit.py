"""Issue 8: the success-criterion shapes and the period reports pass the accessibility sweep —
axe finds nothing, every status badge has words, charts keep their tables — on a phone in
Danish and on a desktop in English. Reuses the sweep's helpers (a11y_checks, a11y_pages)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fieldapp.demo import DEMO_ACCOUNTS
from fieldapp.extensions import db

from .a11y_checks import check_pages
from .a11y_pages import Demo, load_demo, login
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def criteria_pages(page, live, demo: Demo, lang: str) -> Iterator[tuple[str, bool]]:
    from fieldapp.stats.models import SuccessCriterion

    index_id = db.session.scalar(
        select(SuccessCriterion.id).where(SuccessCriterion.kind == "manual")
    )
    email, password, _role = DEMO_ACCOUNTS[0]
    login(page, live, email, password)
    page.goto(f"{live}/stats/area/{demo.area_id}")
    assert page.locator(".crit-card").count() >= 7  # every shape, with charts and tables
    assert (
        page.locator("svg.chart").count() == page.locator("figure.chart-figure + div table").count()
    )
    yield "dashboard with every criterion shape", False
    page.goto(f"{live}/stats/criteria/{index_id}/values")
    yield "values per period", False
    page.goto(live + "/stats/criteria/new")
    page.locator("select[name=kind]").select_option("milestone")
    page.locator("input[name=title]").fill("Belysningsplan vedtaget")
    page.locator("form button[type=submit].primary").click()
    page.locator(".error-summary").wait_for()
    yield "new milestone, errors", False
    page.goto(live + "/exports/periods/")
    yield "period picker", False
    page.goto(live + "/exports/periods/?area_id=&year=1999&period=Q1")
    yield "period picker, errors", False
    page.locator("select[name=area_id]").select_option(str(demo.area_id))
    page.locator("input[name=year]").fill("2026")
    page.locator("select[name=period]").select_option("Q1")
    page.locator("main form button[type=submit].primary").click()
    page.wait_for_load_state()
    assert "/Q1.html" in page.url
    yield "quarterly counts", False
    page.goto(f"{live}/exports/periods/area/{demo.area_id}/2026/H1.html")
    yield "half-yearly status", False
    page.goto(f"{live}/exports/area/{demo.area_id}/report/2026.html")
    yield "yearly report", False


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_criteria_and_period_report_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), criteria_pages, view, lang)
    assert tally.pages == 8
    assert tally.badges >= 20, "the criteria's status badges were not checked"
