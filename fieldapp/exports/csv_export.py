"""Observations and issues as flat records, streamed page by page, and written as CSV.

The rows are exactly what the triage list shows for the same filters: triage's filter parsing
and keyset-paged query are reused, so an export never loads everything at once. Records carry
no personal data — no participant, no reporter e-mail, no tracking code, no staff user.
Plain module (no Flask): labels and the time zone come in as arguments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldapp.taxonomy import N_
from fieldapp.triage.filters import Filters
from fieldapp.triage.queries import list_page
from fieldapp.triage.workflow import is_overdue

CHUNK = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Danish Excel reads UTF-8 only with it

OBSERVATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", N_("Observation")),
    ("observed_at", N_("Observed")),
    ("category", N_("Category code")),
    ("category_label", N_("Category")),
    ("safety", N_("Safety feeling (1–5)")),
    ("severity", N_("Severity (1–3)")),
    ("text", N_("Text")),
    ("address", N_("Address")),
    ("lat", N_("Latitude")),
    ("lon", N_("Longitude")),
    ("accuracy_m", N_("Accuracy (m)")),
    ("walk_id", N_("Walk")),
    ("walk_title", N_("Walk title")),
    ("area", N_("Area")),
    ("meeting_id", N_("Meeting")),
    ("issue_id", N_("Issue")),
    ("source", N_("Source")),
)
ISSUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", N_("Issue")),
    ("created_at", N_("Created")),
    ("title", N_("Title")),
    ("description", N_("Description")),
    ("category", N_("Category code")),
    ("category_label", N_("Category")),
    ("status", N_("Status code")),
    ("status_label", N_("Status")),
    ("priority", N_("Priority")),
    ("administration", N_("Administration")),
    ("area", N_("Area")),
    ("status_changed_at", N_("Status changed")),
    ("due_at", N_("Due")),
    ("overdue", N_("Overdue")),
    ("observations", N_("Observations")),
    ("lat", N_("Latitude")),
    ("lon", N_("Longitude")),
    ("walk_id", N_("Walk")),
)


def iter_filtered(
    session: Session, f: Filters, tz: str, *, for_map: bool = False, chunk: int = CHUNK
) -> Iterator:
    """Every row matching `f` (observations even when in an issue), a keyset page at a time."""
    cursor = None
    while True:
        page = list_page(
            session, f, tz, cursor=cursor, limit=chunk, for_map=for_map, include_in_issues=True
        )
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def _local(value: datetime | None, tz: str) -> datetime | None:
    return value.astimezone(ZoneInfo(tz)) if value else None


def observation_record(o, tz: str, label: Callable[[str, str], str], areas: dict) -> dict:
    """`label(kind, code)` translates a category or status code."""
    return {
        "id": o.id,
        "observed_at": _local(o.created_at, tz),
        "category": o.category,
        "category_label": label("category", o.category),
        "safety": o.safety,
        "severity": o.severity,
        "text": o.text or "",
        "address": o.address or "",
        "lat": o.lat,
        "lon": o.lon,
        "accuracy_m": o.accuracy_m,
        "walk_id": o.walk_id,
        "walk_title": o.walk.title if o.walk else "",
        "area": areas.get(o.area_id if o.area_id else (o.walk.area_id if o.walk else None), ""),
        "meeting_id": o.meeting_id,
        "issue_id": o.issue_id,
        "source": o.source,
    }


def issue_record(i, tz: str, label: Callable[[str, str], str], areas: dict, now) -> dict:
    return {
        "id": i.id,
        "created_at": _local(i.created_at, tz),
        "title": i.title,
        "description": i.description or "",
        "category": i.category,
        "category_label": label("category", i.category),
        "status": i.status,
        "status_label": label("status", i.status),
        "priority": i.priority,
        "administration": i.administration.name if i.administration else "",
        "area": areas.get(i.area_id, ""),
        "status_changed_at": _local(i.status_changed_at, tz),
        "due_at": _local(i.due_at, tz),
        "overdue": is_overdue(i, now),
        "observations": len(i.observations),
        "lat": i.lat,
        "lon": i.lon,
        "walk_id": i.walk_id,
    }


def neutralise(text: str) -> str:
    """Make a cell that a spreadsheet would run as a formula plain text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value, decimal_comma: bool, yes: str = "yes", no: str = "no") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_lines(
    records: Iterable[dict],
    columns: tuple[tuple[str, str], ...],
    headers: list[str],
    *,
    sep: str = ";",
    yes: str = "yes",
    no: str = "no",
) -> Iterator[str]:
    """The CSV text in pieces: BOM and header first, then one line per record.

    With ";" (what Danish Excel expects) decimals get a comma, with "," a point.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield BOM + line([neutralise(h) for h in headers])
    decimal_comma = sep == ";"
    for record in records:
        yield line([cell(record[key], decimal_comma, yes, no) for key, _h in columns])
