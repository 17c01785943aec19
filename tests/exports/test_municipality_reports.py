"""Issue 8: the period reports for the whole municipality — every area together plus what lies
outside any area — as HTML, PDF and CSV, from the picker to the yearly report's walk requests.
Figures are hand-computed from the rows below; "today" is 25 November 2026."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from export_support import stats_fixtures as f
from pypdf import PdfReader

from fieldapp.extensions import db
from fieldapp.walkrequests.models import WalkRequest

TODAY = date(2026, 11, 25)
BASE = "/exports/periods/municipality"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("fieldapp.exports.views", "fieldapp.exports.period_views"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


def make_request(area, status: str, when, walk=None) -> WalkRequest:
    req = WalkRequest(
        requester_kind="resident",
        place_name="Karolinelunden",
        area_id=area.id if area else None,
        status=status,
        walk=walk,
        created_at=when,
    )
    db.session.add(req)
    db.session.commit()
    return req


@pytest.fixture
def municipality(app):
    lovvangen = f.make_area("Løvvangen")
    midtbyen = f.make_area("Midtbyen", f.MIDTBYEN_BOX)
    # Observations in Q1: 2 in Løvvangen, 1 in Midtbyen, 1 outside every area; Q2: 1 outside.
    f.make_obs(f.utc(2026, 1, 10, 10), area=lovvangen)
    f.make_obs(f.utc(2026, 2, 10, 10), area=lovvangen)
    f.make_obs(f.utc(2026, 2, 1, 10), area=midtbyen)
    f.make_obs(f.utc(2026, 3, 1, 10), area=None, lat=None, lon=None)
    f.make_obs(f.utc(2026, 5, 1, 10), area=None, lat=None, lon=None)
    f.make_issue(f.utc(2026, 2, 2, 9), area=lovvangen, forwarded_after=1, resolved_after=10)
    f.make_issue(f.utc(2026, 3, 3, 9), area=None, forwarded_after=1)
    held = f.make_walk(midtbyen, f.utc(2026, 5, 5, 16))  # Q2
    f.make_walk(None, f.utc(2026, 6, 5, 16))  # Q2, outside any area
    f.make_item(
        None,
        "Kommunal lyspolitik",
        status="done",
        initiative=True,
        completed_at=f.utc(2026, 3, 10, 12),
    )
    f.make_criterion(None, "initiatives_per_year", 1, title="Mindst ét initiativ i kommunen")
    f.make_criterion(lovvangen, "initiatives_per_year", 3, title="Kun for Løvvangen")
    # Walk requests in 2026: two for areas (one accepted and walked), one outside any area
    # (declined), and one from 2025 that does not count.
    make_request(midtbyen, "accepted", f.utc(2026, 4, 1, 9), walk=held)
    make_request(lovvangen, "new", f.utc(2026, 9, 1, 9))
    make_request(None, "declined", f.utc(2026, 10, 1, 9))
    make_request(None, "declined", f.utc(2025, 10, 1, 9))
    return lovvangen


@pytest.fixture
def coordinator(client, app):
    return f.login(client, f.make_user("coordinator", "koordinator@example.dk"))


def csv_rows(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True)[1:]), delimiter=";"))


def pdf_text(resp) -> str:
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(resp.data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_picker_offers_the_whole_municipality(coordinator, municipality) -> None:
    page = coordinator.get("/exports/periods/").get_data(as_text=True)
    assert '<option value="all">The whole municipality</option>' in page
    resp = coordinator.get("/exports/periods/?area_id=all&year=2026&period=Q1")
    assert resp.status_code == 302 and resp.location.endswith(f"{BASE}/2026/Q1.html")
    resp = coordinator.get("/exports/periods/?area_id=all&year=2026&period=H1")
    assert resp.location.endswith(f"{BASE}/2026/H1.html")
    resp = coordinator.get("/exports/periods/?area_id=all&year=2025&period=year")
    assert resp.location.endswith("/exports/municipality/report/2025.html")
    resp = coordinator.get("/exports/periods/?area_id=everything&year=2026&period=Q1")
    assert resp.status_code == 400
    assert "Choose an option from the list." in resp.get_data(as_text=True)


def test_quarterly_counts_include_findings_outside_any_area(coordinator, municipality) -> None:
    resp = coordinator.get(f"{BASE}/2026/Q2.html")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "The whole municipality: 2nd quarter of 2026" in page
    assert f"{BASE}/2026/Q2.pdf" in page and f"{BASE}/2026/Q2.csv" in page
    # The chosen quarter: 1 observation (outside any area), 2 walks held (one outside).
    assert "<dt>Observations</dt><dd>1</dd>" in page
    assert "<dt>Safety walks held</dt><dd>2</dd>" in page

    counts = {(r[1], r[2]): r[3] for r in csv_rows(coordinator.get(f"{BASE}/2026/Q2.csv"))[1:]}
    assert counts[("Observations", "1st quarter of 2026")] == "4"  # 2 + 1 + 1 outside
    assert counts[("Issues opened", "1st quarter of 2026")] == "2"
    assert counts[("Safety initiatives done", "1st quarter of 2026")] == "1"
    resp = coordinator.get(f"{BASE}/2026/Q2.csv")
    assert 'filename="fieldapp-all-2026-Q2.csv"' in resp.headers["Content-Disposition"]

    text = pdf_text(coordinator.get(f"{BASE}/2026/Q1.pdf"))
    assert "The whole municipality" in text and "1st quarter of 2026" in text


def test_half_year_shows_the_municipalitys_own_criteria(coordinator, municipality) -> None:
    page = coordinator.get(f"{BASE}/2026/H1.html").get_data(as_text=True)
    assert "The whole municipality: 1st half of 2026" in page
    assert "Mindst ét initiativ i kommunen" in page
    assert "Kun for Løvvangen" not in page  # an area's criterion is in that area's report
    row = page[page.index(">Mindst ét initiativ i kommunen") :]
    assert (
        re.search(r'crit-status-([a-z_]+)"', row).group(1) == "achieved"
    )  # 1 of 1 done by 30 June
    rows = csv_rows(coordinator.get(f"{BASE}/2026/H1.csv"))
    counts = {(r[1], r[2]): r[3] for r in rows if r[0] == "Counts"}
    assert counts[("Observations", "1st half of 2026")] == "5"
    text = pdf_text(coordinator.get(f"{BASE}/2026/H1.pdf"))
    assert "Mindst ét initiativ i kommunen" in text and "Achieved" in text


def test_yearly_report_for_the_whole_municipality(coordinator, municipality) -> None:
    resp = coordinator.get("/exports/municipality/report/2026.html")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "The whole municipality 2026" in page
    assert "<dt>Safety walks held</dt><dd>2</dd>" in page
    assert "<dt>Walks asked for</dt><dd>3</dd>" in page
    assert "<dt>Requests accepted</dt><dd>1</dd>" in page
    assert "<dt>Requests declined</dt><dd>1</dd>" in page
    assert "<dt>Requested walks held</dt><dd>1</dd>" in page
    assert "<dt>Observations</dt><dd>5</dd>" in page
    assert "/exports/municipality/report/2026.pdf" in page
    assert f"{BASE}/2026/year.csv" in page

    rows = csv_rows(coordinator.get(f"{BASE}/2026/year.csv"))
    requests = {r[1]: (r[2], r[3]) for r in rows if r[0] == "Walk requests"}
    assert requests == {
        "Walks asked for": ("2026 (so far)", "3"),
        "Requests accepted": ("2026 (so far)", "1"),
        "Requests declined": ("2026 (so far)", "1"),
        "Requested walks held": ("2026 (so far)", "1"),
    }
    assert [r[3] for r in rows if r[1] == "Observations"] == ["4", "1", "0", "0"]
    # A past year is complete: no "so far".
    rows = csv_rows(coordinator.get(f"{BASE}/2025/year.csv"))
    assert {r[1]: (r[2], r[3]) for r in rows if r[0] == "Walk requests"}["Walks asked for"] == (
        "2025",
        "1",
    )

    resp = coordinator.get("/exports/municipality/report/2026.pdf")
    text = pdf_text(resp)
    assert "The whole municipality 2026" in text and "Walks asked for" in text
    assert "fieldapp-municipality-report-2026.pdf" in resp.headers["Content-Disposition"]
    # The area's report still counts only the area's requests.
    page = coordinator.get(f"/exports/area/{municipality.id}/report/2026.html")
    assert "<dt>Walks asked for</dt><dd>1</dd>" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [f"{BASE}/2026/Q9.html", f"{BASE}/2026/Q1.xls", f"{BASE}/2027/Q1.html", f"{BASE}/1999/H1.csv"],
)
def test_unknown_municipality_periods_are_404(coordinator, municipality, path) -> None:
    assert coordinator.get(path).status_code == 404


def test_only_coordinators_get_municipality_reports(client, municipality) -> None:
    assert client.get(f"{BASE}/2026/Q1.html").status_code in (302, 401, 403)
    assert client.get("/exports/municipality/report/2026.html").status_code in (302, 401, 403)


def test_the_whole_municipality_is_linked_where_area_reports_are(
    coordinator, municipality, monkeypatch
) -> None:
    monkeypatch.setattr("fieldapp.stats.views.today", lambda: TODAY)
    page = coordinator.get("/exports/").get_data(as_text=True)
    assert "/exports/municipality/report/2026.html" in page
    assert "/exports/municipality/report/2025.pdf" in page
    assert f"/exports/area/{municipality.id}/report/2026.html" in page
    page = coordinator.get("/stats/").get_data(as_text=True)
    assert "/exports/municipality/report/2026.html" in page
