"""The yearly area report: the same figures as HTML and as a valid PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from export_support import stats_fixtures as f
from pypdf import PdfReader

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("fieldapp.exports.views.today", lambda: TODAY)


@pytest.fixture
def lovvangen(app):
    area = f.make_area("Løvvangen")
    other = f.make_area("Midtbyen", f.MIDTBYEN_BOX)
    admin = f.make_admin()
    walk = f.make_walk(area, f.utc(2026, 10, 6, 16), title="Aftenvandring i Løvvangen")
    f.make_walk(area, f.utc(2026, 12, 1, 16), status="planned")
    f.make_meeting(area, f.utc(2026, 11, 3, 17))
    for safety, category in ((2, "lighting"), (3, "lighting"), (4, "waste")):
        f.make_obs(f.utc(2026, 10, 6, 16, 30), walk=walk, safety=safety, category=category)
    f.make_obs(f.utc(2026, 10, 6, 16, 30), area=other, safety=1)
    created = f.utc(2026, 2, 2, 9)
    for days in (10, 95, 30):
        f.make_issue(created, area=area, admin=admin, forwarded_after=1, resolved_after=days)
    f.make_item(
        area,
        "Informationsmøde for nye beboere",
        status="done",
        initiative=True,
        admin=admin,
        completed_at=f.utc(2026, 3, 10, 12),
    )
    f.make_item(
        area,
        "Beskær buskene ved legepladsen",
        status="open",
        admin=admin,
        deadline=date(2026, 10, 31),
    )
    f.make_criterion(
        area, "initiatives_per_year", 3, title="Mindst 3 tryghedsskabende initiativer om året"
    )
    f.make_criterion(
        area,
        "share_resolved_within_days",
        80,
        days=90,
        title="80 % af sagerne løst inden for 90 dage",
    )
    return area


@pytest.fixture
def coordinator(client, app):
    return f.login(client, f.make_user("coordinator", "koordinator@example.dk"))


def test_report_page_has_the_years_figures(coordinator, lovvangen) -> None:
    resp = coordinator.get(f"/exports/area/{lovvangen.id}/report/2026.html")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Løvvangen 2026" in page
    figures = {
        "Safety walks held": "1",
        "Dialogue meetings held": "1",
        "Observations": "3",
        "Average safety feeling (1–5)": "3",
        "Issues created": "3",
    }
    for label, value in figures.items():
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label
    assert "66.7 %" in page and "2 of 3" in page
    assert "Mindst 3 tryghedsskabende initiativer om året" in page
    assert "At risk" in page  # 1 initiative by 25 November: about 1.1 for the year, under 3
    assert "Beskær buskene ved legepladsen" in page and "Overdue" in page
    assert "Aftenvandring i Løvvangen" in page
    assert f"/exports/area/{lovvangen.id}/report/2026.pdf" in page


def test_report_pdf_is_a_valid_pdf_with_the_area_and_criteria(coordinator, lovvangen) -> None:
    resp = coordinator.get(f"/exports/area/{lovvangen.id}/report/2026.pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(resp.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Løvvangen" in text
    assert "Mindst 3 tryghedsskabende initiativer om året" in " ".join(text.split())
    assert "Download PDF" not in text  # the page's buttons are not printed


def test_reports_only_for_known_areas_and_possible_years(coordinator, lovvangen) -> None:
    assert coordinator.get(f"/exports/area/{lovvangen.id}/report/2027.html").status_code == 404
    assert coordinator.get(f"/exports/area/{lovvangen.id}/report/1999.pdf").status_code == 404
    assert coordinator.get("/exports/area/999/report/2026.html").status_code == 404
    resp = coordinator.get(f"/exports/area/{lovvangen.id}/report/2025.html")
    assert resp.status_code == 200
    assert "No walks or meetings were held in 2025." in resp.get_data(as_text=True)
