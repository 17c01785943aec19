"""Issue 8, Bar item 6: on the demo data (loaded with `flask seed-demo`), one criterion of each
shape shows a correct value and status, and the yearly report renders as HTML and PDF.

The demo's clock is frozen at 25 November 2026, 12:00 UTC (its walks and meetings are placed
relative to "now"), and the pages' "today" is that day, so every figure below is computed by
hand from fieldapp/demo_stats.py and fieldapp/demo.py.
"""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from stats_fixtures import login, make_user

from fieldapp.areas.models import Area
from fieldapp.extensions import db

TODAY = date(2026, 11, 25)


class FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 11, 25, 12, 0, tzinfo=UTC).astimezone(tz)


@pytest.fixture
def demo(app, runner, client, monkeypatch):
    monkeypatch.setattr("fieldapp.demo.datetime", FrozenDatetime)
    for module in ("stats.views", "exports.views", "exports.period_views"):
        monkeypatch.setattr(f"fieldapp.{module}.today", lambda: TODAY)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    login(client, make_user("coordinator", "bar@example.dk"))
    return db.session.query(Area).filter_by(name="Løvvangen").one()


def card(page: str, title: str) -> str:
    start = page.index(f">{html.escape(title)}</h2>")
    return page[start : page.find("</article>", start)]


def headline(fragment: str) -> tuple[str, str]:
    """(year shown, status code) of a card's headline."""
    m = re.search(
        r'crit-now">(?:(\d{4}): )?<span class="badge crit-status crit-status-([a-z_]+)"', fragment
    )
    return m.group(1), m.group(2)


def value(fragment: str) -> str:
    dd = re.search(r"<dt>Value \d{4}</dt><dd>\s*([^<]+)", fragment)
    return dd.group(1).strip()


def test_one_criterion_of_each_shape_on_the_demo_data(demo, client) -> None:
    page = client.get(f"/stats/area/{demo.id}").get_data(as_text=True)

    # A count per year: initiatives done in 2026 on 10 March and 30 October, and the demo
    # meeting's information meeting 12 days after it (16 November): 3, the target → achieved.
    c = card(page, "Mindst 3 tryghedsskabende initiativer om året (2024–2027)")
    assert headline(c) == ("2026", "achieved")
    assert value(c) == "3"
    row = re.search(r'<th scope="row">2025</th>(.*?)</tr>', c, re.S).group(1)
    actual = re.search(r'<td class="num">([^<]*)', row).group(1).strip()
    assert actual == "3" and "crit-status-achieved" in row  # March, June, September 2025

    # A share: 2025 had only the 12 vandalism repair cases, each resolved in 7 days.
    c = card(page, "80 % af sagerne løst inden for 90 dage")
    row = re.search(r'<th scope="row">2025</th>(.*?)</tr>', c, re.S).group(1)
    assert "100 %" in row and "12 of 12" in row and "crit-status-achieved" in row

    # A yearly change: 7 reports to September + the demo walk's graffiti (26 October) = 8
    # against 12 in 2025 → −33.3 %; pro rata 8 × 365/329 = 8.9 → −26 % → on track.
    c = card(page, "Anmeldelser af hærværk og graffiti falder 10 % om året")
    assert headline(c) == ("2026", "on_track")
    assert value(c) == "-33.3 %"
    assert "8 observations, 12 the year before" in c
    row = re.search(r'<th scope="row">2025</th>(.*?)</tr>', c, re.S).group(1)
    assert "-14.3 %" in row and "crit-status-achieved" in row  # (12 − 14) / 14

    # An external index entered per half-year: 65.2 in the 1st half of 2026, under 66.3.
    c = card(page, "Politiets tryghedsindeks – oplevet tryghed")
    assert headline(c) == ("2026", "at_risk")
    assert value(c) == "65.2"
    assert "Up from 64.1 (2nd half of 2025), better" in c
    assert "Politiets tryghedsindeks, 1. halvår 2026" in c

    # Milestones: one achieved through its action item, one 217 days from its date.
    c = card(page, "Dialogforum for Løvvangen etableret")
    assert headline(c) == (None, "achieved") and "May 20, 2025" in c
    c = card(page, "Belysningsplan for Løvvangen vedtaget senest 30. juni 2027")
    assert headline(c) == (None, "on_track") and "217 days left" in c


def test_the_demo_yearly_report_renders_as_html_and_pdf(demo, client) -> None:
    resp = client.get(f"/exports/area/{demo.id}/report/2026.html")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for title in (
        "Anmeldelser af hærværk og graffiti falder 10 % om året",
        "Belysningsplan for Løvvangen vedtaget senest 30. juni 2027",
        "Politiets tryghedsindeks – oplevet tryghed",
    ):
        assert html.escape(title) in page
    for status in ("crit-status-at_risk", "crit-status-on_track", "crit-status-achieved"):
        assert status in page

    resp = client.get(f"/exports/area/{demo.id}/report/2026.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages).split()
    )
    assert "Løvvangen 2026" in text
    assert "Anmeldelser af hærværk og graffiti falder 10 % om året" in text
    assert "-33.3 %" in text and "On track" in text and "At risk" in text
