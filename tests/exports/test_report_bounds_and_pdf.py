"""The first report year, one setting for every report, and PDFs that never fetch anything."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from export_support import stats_fixtures as f
from pypdf import PdfReader

from fieldapp.exports.periods import FIRST_REPORT_YEAR

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("fieldapp.exports.views", "fieldapp.exports.period_views"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


@pytest.fixture
def coordinator(client, app):
    return f.login(client, f.make_user("coordinator", "koordinator@example.dk"))


@pytest.fixture
def area(app):
    return f.make_area("Løvvangen")


def test_every_report_starts_at_the_same_first_year(coordinator, area) -> None:
    first, before = FIRST_REPORT_YEAR, FIRST_REPORT_YEAR - 1
    yearly = f"/exports/area/{area.id}/report"
    periods = f"/exports/periods/area/{area.id}"
    assert coordinator.get(f"{yearly}/{first}.html").status_code == 200
    assert coordinator.get(f"{periods}/{first}/Q1.html").status_code == 200
    assert coordinator.get(f"{yearly}/{before}.html").status_code == 404
    assert coordinator.get(f"{periods}/{before}/Q1.html").status_code == 404

    picker = f"/exports/periods/?area_id={area.id}&period=Q1&year="
    assert coordinator.get(f"{picker}{first}").status_code == 302
    resp = coordinator.get(f"{picker}{before}")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert f"Choose a year from {first} to {TODAY.year}." in body
    assert f'value="{before}"' in body  # what was typed stays


def test_a_report_that_links_elsewhere_still_renders_and_fetches_nothing(caplog) -> None:
    from fieldapp.exports.pdf import html_to_pdf

    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<h1>Løvvangen 2026</h1>"
        '<img src="http://127.0.0.1:9/lampe.png" alt="">'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = html_to_pdf(html)
    assert data.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Løvvangen 2026" in text
    refused = [
        r.getMessage() for r in caplog.records if "external resource refused" in r.getMessage()
    ]
    assert any("file:///etc/passwd" in message for message in refused), refused
    assert any("127.0.0.1:9/lampe.png" in message for message in refused), refused
