"""Issue 8: reports for a chosen period — quarterly counts, the half-yearly status, the yearly
report's figures — as HTML, PDF and CSV, and the period picker. Figures are hand-computed
from the rows below; "today" is 25 November 2026."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from export_support import stats_fixtures as f
from pypdf import PdfReader

from fieldapp.extensions import db
from fieldapp.stats.models import CriterionValue

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("fieldapp.exports.views", "fieldapp.exports.period_views"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


@pytest.fixture
def lovvangen(app):
    area = f.make_area("Løvvangen")
    other = f.make_area("Midtbyen", f.MIDTBYEN_BOX)
    # Observations: Q1 2, Q2 1 (31 March 22:30 UTC is 1 April 00:30 in Copenhagen), Q3 1.
    for when in (f.utc(2026, 1, 10, 10), f.utc(2026, 3, 31, 21, 30), f.utc(2026, 3, 31, 22, 30)):
        f.make_obs(when, area=area)
    f.make_obs(f.utc(2026, 8, 1, 10), area=area)
    f.make_obs(f.utc(2026, 2, 1, 10), area=other)  # another area
    # Issues: both opened in Q1; one resolved in Q1 (12 Feb), one in Q2 (19 April).
    f.make_issue(f.utc(2026, 2, 2, 9), area=area, forwarded_after=1, resolved_after=10)
    f.make_issue(f.utc(2026, 3, 20, 9), area=area, forwarded_after=1, resolved_after=30)
    f.make_walk(area, f.utc(2026, 5, 5, 16))  # Q2
    f.make_walk(area, f.utc(2026, 12, 1, 16), status="planned")  # not held
    f.make_meeting(area, f.utc(2026, 9, 1, 16))  # Q3
    for when in (f.utc(2026, 3, 10, 12), f.utc(2026, 8, 15, 12)):  # Q1 and Q3
        f.make_item(area, "Initiativ", status="done", initiative=True, completed_at=when)
    f.make_criterion(area, "initiatives_per_year", 3, title="Mindst 3 initiativer om året")
    f.make_criterion(
        area,
        "milestone",
        1,
        title="Belysningsplan vedtaget",
        due_date=date(2026, 8, 15),
    )
    index = f.make_criterion(area, "manual", 66.3, title='=HYPERLINK("http://x")')
    index.values.append(CriterionValue(year=2026, period="H1", value=65.0, source="PTI"))
    db.session.commit()
    return area


@pytest.fixture
def coordinator(client, app):
    return f.login(client, f.make_user("coordinator", "koordinator@example.dk"))


def url(area, year, period, fmt):
    return f"/exports/periods/area/{area.id}/{year}/{period}.{fmt}"


def rows_of(page: str, caption: str) -> dict[str, list[str]]:
    """{row heading: [cells]} of the table with that caption."""
    table = page[page.index(f"<caption>{caption}</caption>") :]
    table = table[: table.index("</table>")]
    rows = {}
    for head, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        label = re.sub(r"<[^>]+>", "", head).split("(")[0].strip()
        rows[label] = re.findall(r'<td class="num">([^<]*)</td>', cells)
    return rows


def test_quarterly_counts_page(coordinator, lovvangen) -> None:
    resp = coordinator.get(url(lovvangen, 2026, "Q2", "html"))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Løvvangen: 2nd quarter of 2026" in page
    rows = rows_of(page, "Counts per quarter in 2026")
    # observations, issues opened, issues resolved, walks, meetings, initiatives
    assert rows == {
        "1st quarter of 2026": ["2", "2", "1", "0", "0", "1"],
        "2nd quarter of 2026": ["1", "0", "1", "1", "0", "0"],
        "Year to date": ["3", "2", "2", "1", "0", "1"],
    }
    assert "<dt>Safety walks held</dt><dd>1</dd>" in page  # the chosen quarter
    assert url(lovvangen, 2026, "Q2", "pdf") in page and url(lovvangen, 2026, "Q2", "csv") in page


def test_quarterly_counts_csv_and_pdf(coordinator, lovvangen) -> None:
    resp = coordinator.get(url(lovvangen, 2026, "Q4", "csv"))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeffSection;Figure;Period;Value;")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    counts = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert counts[("Observations", "3rd quarter of 2026")] == "1"
    assert counts[("Dialogue meetings held", "3rd quarter of 2026")] == "1"
    assert counts[("Safety initiatives done", "1st quarter of 2026")] == "1"
    assert counts[("Observations", "4th quarter of 2026 (so far)")] == "0"

    resp = coordinator.get(url(lovvangen, 2026, "Q2", "pdf"))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert "Løvvangen" in text and "2nd quarter of 2026" in " ".join(text.split())
    assert "Download PDF" not in text


def test_half_yearly_status_tells_each_criterion_as_of_the_half_year(coordinator, lovvangen):
    page = coordinator.get(url(lovvangen, 2026, "H1", "html")).get_data(as_text=True)
    assert "Status as of June 30, 2026" in page

    def status(title: str) -> str:
        row = page[page.index(f">{title}") :]
        return re.search(r'crit-status-([a-z_]+)"', row).group(1)

    # By 30 June: 1 initiative → 1 × 365/181 = 2.0 for the year, under 3 → at risk.
    assert status("Mindst 3 initiativer om året") == "at_risk"
    # Due 15 August, open on 30 June: 46 days left → at risk.
    assert status("Belysningsplan vedtaget") == "at_risk"
    assert status("=HYPERLINK") == "at_risk"  # 65 in the 1st half, under 66.3
    rows = rows_of(page, "Counts per quarter and for the half-year")
    assert rows["1st half of 2026"] == ["3", "2", "2", "1", "0", "1"]

    resp = coordinator.get(url(lovvangen, 2026, "H1", "pdf"))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages).split()
    )
    assert "Belysningsplan vedtaget" in text and "At risk" in text
    assert "1st half of 2026" in text

    # The second half, told today: the milestone's date has passed.
    page = coordinator.get(url(lovvangen, 2026, "H2", "html")).get_data(as_text=True)
    assert "Status as of November 25, 2026" in page
    assert status("Belysningsplan vedtaget") == "missed"


def test_half_yearly_csv_neutralises_formulas(coordinator, lovvangen) -> None:
    text = coordinator.get(url(lovvangen, 2026, "H1", "csv")).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    criteria = {r[1]: r for r in rows if r[0] == "Success criteria"}
    index = criteria['\'=HYPERLINK("http://x")']  # a leading ' keeps it text in Excel
    assert index[2:] == [
        "1st half of 2026",
        "65",
        "",
        "at least 66.3",
        "No earlier value to compare with",
        "At risk",
    ]
    assert criteria["Mindst 3 initiativer om året"][3] == "1"
    assert criteria["Belysningsplan vedtaget"][-1] == "At risk"


def test_yearly_report_figures_as_csv(coordinator, lovvangen) -> None:
    resp = coordinator.get(url(lovvangen, 2026, "year", "csv"))
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True)[1:]), delimiter=";"))
    criteria = {r[1]: r for r in rows if r[0] == "Success criteria"}
    # Told today: 2 initiatives → 2 × 365/329 = 2.2, under 3; the milestone passed.
    assert criteria["Mindst 3 initiativer om året"][3] == "2"
    assert criteria["Mindst 3 initiativer om året"][-1] == "At risk"
    assert criteria["Belysningsplan vedtaget"][-1] == "Missed"
    quarters = [r for r in rows if r[1] == "Observations"]
    assert [r[3] for r in quarters] == ["2", "1", "1", "0"]
    page = coordinator.get(f"/exports/area/{lovvangen.id}/report/2026.html").get_data(as_text=True)
    assert url(lovvangen, 2026, "year", "csv") in page
    assert "Counts per quarter in 2026" in page


def test_period_picker(coordinator, lovvangen) -> None:
    resp = coordinator.get("/exports/periods/")
    assert resp.status_code == 200
    assert 'value="2026"' in resp.get_data(as_text=True)
    resp = coordinator.get(f"/exports/periods/?area_id={lovvangen.id}&year=2026&period=Q2")
    assert resp.status_code == 302
    assert resp.location.endswith(url(lovvangen, 2026, "Q2", "html"))
    resp = coordinator.get(f"/exports/periods/?area_id={lovvangen.id}&year=2025&period=year")
    assert resp.location.endswith(f"/exports/area/{lovvangen.id}/report/2025.html")

    resp = coordinator.get("/exports/periods/?area_id=&year=2027&period=H3")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Choose an area." in body
    assert "Choose a year from 2000 to 2026." in body
    assert "Choose an option from the list." in body
    assert 'value="2027"' in body  # what was typed stays


def test_a_period_that_has_not_begun(coordinator, lovvangen, monkeypatch) -> None:
    monkeypatch.setattr("fieldapp.exports.period_views.today", lambda: date(2026, 5, 1))
    resp = coordinator.get(f"/exports/periods/?area_id={lovvangen.id}&year=2026&period=Q3")
    assert resp.status_code == 400
    assert "That period has not begun yet." in resp.get_data(as_text=True)
    assert coordinator.get(url(lovvangen, 2026, "H2", "html")).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["2026/Q5.html", "2026/Q1.xls", "2027/Q1.html", "1999/H1.pdf", "2026/year.pdf"],
)
def test_unknown_periods_are_404_and_the_year_goes_to_its_report(coordinator, lovvangen, path):
    resp = coordinator.get(f"/exports/periods/area/{lovvangen.id}/{path}")
    if path == "2026/year.pdf":
        assert resp.status_code == 302
        assert resp.location.endswith(f"/exports/area/{lovvangen.id}/report/2026.pdf")
    else:
        assert resp.status_code == 404
    assert coordinator.get("/exports/periods/area/999/2026/Q1.html").status_code == 404


def test_only_coordinators_get_period_reports(client, lovvangen) -> None:
    f.login(client, f.make_user("staff", "staff@example.dk", f.make_admin()))
    assert client.get(url(lovvangen, 2026, "Q1", "csv")).status_code == 403
    assert client.get("/exports/periods/").status_code == 403
