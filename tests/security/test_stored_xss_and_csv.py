"""Issue 6: markup stored in any free-text column is escaped on every page that shows it, and
no CSV export lets a spreadsheet run a cell as a formula.

Rather than hoping a form reaches every column, the test writes the payload straight into every
free-text column of every table of a seeded demo, then opens every GET page of the app as each
kind of visitor (admin, participant, meeting phone, stranger) and downloads every export.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from security_site import RAW_MARKUP, route_url
from security_site import fixture_site as site  # noqa: F401  (the fixture, by name)
from sqlalchemy import String, UniqueConstraint, cast, literal, update

from fieldapp import create_app
from fieldapp.extensions import db

XSS = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
FORMULAS = ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd")
# Columns that hold codes, tokens, addresses or hashes: validated on input, never free text.
NOT_FREE_TEXT = re.compile(
    r"token|code|hash|email|status|category|role|kind|locale|key|geojson|source|direction|mime"
    r"|storage|filename|path|priority|format|uuid|geometry|json|digest|outline|_url"
)
ROOT = Path(__file__).resolve().parents[2]


def free_text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String) or column.primary_key or column.foreign_keys:
                continue
            if NOT_FREE_TEXT.search(column.name):
                continue
            if column.type.length is not None and column.type.length < 60:
                continue
            yield table, column


def _is_unique(table, column) -> bool:
    if column.unique:
        return True
    groups = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
    groups += [i.columns for i in table.indexes if i.unique]
    return any(column.name in cols for cols in groups)


def fill_free_text(app, values) -> int:
    """Write values[i % len] into every free-text column; return how many columns."""
    count = 0
    with app.app_context():
        for i, (table, column) in enumerate(free_text_columns()):
            value = values[i % len(values)]
            if column.type.length is not None:
                value = value[: column.type.length]
            if _is_unique(table, column):  # one value per row: the payload and the row's id
                pk = next(iter(table.primary_key.columns))
                value = literal(value, String) + cast(pk, String)
            db.session.execute(update(table).values({column.name: value}))
            count += 1
        db.session.commit()
        db.session.remove()
    return count


def _get_routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "pwa.service_worker"):
            continue
        if rule.endpoint.startswith("open311.") or rule.rule.endswith((".pdf", ".png", ".svg")):
            continue
        yield rule


GET_ROUTES = sorted(_get_routes(), key=lambda r: r.rule)


def visit_everything(site):  # noqa: F811
    """(url, response) for every GET page as every kind of visitor."""
    stranger = site.admin.application.test_client()
    visitors = (site.admin, site.participant, site.meeting_phone, stranger)
    extra = [
        f"/meetings/{site.ids['closed_meeting_id']}/minutes",
        f"/meetings/{site.ids['closed_meeting_id']}/minutes.csv",
        "/triage/?kind=issues",
        "/exports/issues.csv?sep=comma",
    ]
    for url in [route_url(rule, site.ids) for rule in GET_ROUTES] + extra:
        for visitor in visitors:
            resp = visitor.get(url, headers={"Accept-Language": "da"})
            resp.get_data()  # streamed exports run to the end inside their request
            resp.close()
            yield url, resp


def test_stored_markup_is_escaped_on_every_page(site) -> None:  # noqa: F811
    columns = fill_free_text(site.admin.application, [XSS])
    assert columns >= 20, columns
    shown = 0
    for url, resp in visit_everything(site):
        assert resp.status_code < 500, (url, resp.status_code)
        if resp.mimetype != "text/html":
            continue
        body = resp.get_data(as_text=True)
        for raw in RAW_MARKUP:
            assert raw not in body, (url, raw)
        shown += body.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert shown > 50, "the payload was not shown on the pages at all"


def test_no_csv_cell_starts_a_formula(site) -> None:  # noqa: F811
    # An audit entry to fill: the demo writes none, and the other test's page visits, which do,
    # may have run in another process (pytest-xdist) or not at all (-k).
    site.admin.get("/admin/audit/audit-log.csv").close()
    fill_free_text(site.admin.application, list(FORMULAS))
    exports = set()
    for url, resp in visit_everything(site):
        if resp.mimetype != "text/csv":
            continue
        text = resp.get_data(as_text=True).lstrip("\ufeff")
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,")
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
        if len(rows) == 1:
            continue  # only the header (a meeting without minutes yet)
        for row in rows:
            for cell in row:
                if cell and re.fullmatch(r"-?\d+([.,]\d+)?", cell):
                    continue  # a number, such as a negative coordinate
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (url, cell)
        assert any(f"'{formula}" in text for formula in FORMULAS), url  # shown, neutralised
        exports.add(url)
    assert len(exports) >= 4, exports


def test_page_scripts_never_turn_data_into_html() -> None:
    """Map popups and tooltips are built with textContent; no script parses strings as HTML."""
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, (path.name, sink)
        # Leaflet renders a string popup or tooltip as HTML: they must get a node or a function.
        for call in re.finditer(r"\.bind(Popup|Tooltip)\(\s*([^)\s,]+)", source):
            argument = call.group(2)
            assert argument.startswith(("function", "popup(", "document.create")), (
                path.name,
                call.group(0),
            )
