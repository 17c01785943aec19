"""The triage and queue filters: parsed from query parameters, written back into links.

Plain data and functions (no Flask): the views pass `request.args`, the services get a
`Filters`. Error messages are English msgids marked with N_(), translated by the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fieldapp.taxonomy import CATEGORY_BY_CODE, N_
from fieldapp.triage.workflow import CLOSED_STATUSES, OPEN_STATUSES, STATUS_LABELS

KINDS = ("observations", "issues")
SORTS: tuple[tuple[str, str], ...] = (
    ("newest", N_("Newest first")),
    ("oldest", N_("Oldest first")),
    ("priority", N_("Priority")),
    ("due", N_("Due date (overdue first)")),
)
SORT_LABELS = dict(SORTS)

# Status groups offered next to the single statuses.
STATUS_GROUPS: tuple[tuple[str, str], ...] = (
    ("open", N_("All open")),
    ("active", N_("With the administration")),
    ("closed", N_("Closed")),
    ("all", N_("All")),
)
STATUS_GROUP_SETS: dict[str, frozenset[str] | None] = {
    "open": OPEN_STATUSES,
    "active": frozenset({"forwarded", "in_progress"}),
    "closed": CLOSED_STATUSES,
    "all": None,
}

# Local hours [start, end); night wraps past midnight. Safety differs most between these.
TIMES_OF_DAY: tuple[tuple[str, str, int, int], ...] = (
    ("morning", N_("Morning (6–10)"), 6, 10),
    ("day", N_("Day (10–17)"), 10, 17),
    ("evening", N_("Evening (17–22)"), 17, 22),
    ("night", N_("Night (22–6)"), 22, 6),
)
TIME_OF_DAY_LABELS = {code: label for code, label, _s, _e in TIMES_OF_DAY}

# Query parameter name for each Filters field (short names keep links readable).
PARAMS = {
    "kind": "kind",
    "walk_id": "walk",
    "area_id": "area",
    "category": "category",
    "status": "status",
    "administration_id": "administration",
    "date_from": "from",
    "date_to": "to",
    "time_of_day": "time",
    "q": "q",
    "sort": "sort",
}
# administration=none: issues nobody owns yet.
NO_ADMINISTRATION = 0


@dataclass(frozen=True)
class Filters:
    kind: str = "observations"
    walk_id: int | None = None
    area_id: int | None = None
    category: str | None = None
    status: str = "open"  # a group from STATUS_GROUPS or one status code
    administration_id: int | None = None  # NO_ADMINISTRATION for "not assigned"
    date_from: date | None = None
    date_to: date | None = None
    time_of_day: str | None = None
    q: str = ""
    sort: str = "newest"

    @property
    def statuses(self) -> frozenset[str] | None:
        """The issue statuses to show, None for all."""
        if self.status in STATUS_GROUP_SETS:
            return STATUS_GROUP_SETS[self.status]
        return frozenset({self.status})

    def to_params(self, defaults: Filters | None = None, **override) -> dict[str, str]:
        """Query parameters for a link: only values that differ from `defaults`."""
        current = replace(self, **override) if override else self
        base = defaults or Filters()
        params: dict[str, str] = {}
        for f in fields(Filters):
            value = getattr(current, f.name)
            if value == getattr(base, f.name) or value is None or value == "":
                continue
            if f.name == "administration_id" and value == NO_ADMINISTRATION:
                params[PARAMS[f.name]] = "none"
            elif isinstance(value, date):
                params[PARAMS[f.name]] = value.isoformat()
            else:
                params[PARAMS[f.name]] = str(value)
        return params


def _positive_int(raw: str) -> int | None:
    if not raw.isdigit() or len(raw) > 12 or int(raw) == 0:
        raise ValueError(raw)
    return int(raw)


def _date(raw: str) -> date:
    """An ISO date within a sane range; the edges would overflow when turned into day bounds."""
    value = date.fromisoformat(raw)
    if not 1990 <= value.year <= 2100:
        raise ValueError(raw)
    return value


def parse_filters(
    args: Mapping[str, str], defaults: Filters | None = None
) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters; bad values fall back to the default and get a message.

    :return: (filters, {param name: English msgid}) — the view shows the messages with a 400.
    """
    base = defaults or Filters()
    values: dict[str, object] = {}
    errors: dict[str, str] = {}

    def raw(name: str) -> str:
        return (args.get(PARAMS[name]) or "").strip()

    def take(name: str, parse, message: str) -> None:
        text = raw(name)
        if not text:
            return
        try:
            values[name] = parse(text)
        except ValueError:
            errors[PARAMS[name]] = message

    def choice(options):
        def parse(text: str) -> str:
            if text not in options:
                raise ValueError(text)
            return text

        return parse

    take("kind", choice(KINDS), N_("Choose observations or issues."))
    take("walk_id", _positive_int, N_("Choose a walk from the list."))
    take("area_id", _positive_int, N_("Choose an area from the list."))
    take("category", choice(CATEGORY_BY_CODE), N_("Choose a category from the list."))
    take(
        "status",
        choice({*STATUS_GROUP_SETS, *STATUS_LABELS}),
        N_("Choose a status from the list."),
    )
    take(
        "administration_id",
        lambda t: NO_ADMINISTRATION if t == "none" else _positive_int(t),
        N_("Choose an administration from the list."),
    )
    take("date_from", _date, N_("Enter the date as YYYY-MM-DD, e.g. 2026-10-01."))
    take("date_to", _date, N_("Enter the date as YYYY-MM-DD, e.g. 2026-10-31."))
    take("time_of_day", choice(TIME_OF_DAY_LABELS), N_("Choose a time of day from the list."))
    take("sort", choice(SORT_LABELS), N_("Choose a sort order from the list."))
    q = raw("q")
    if len(q) > 200:
        errors["q"] = N_("Search for at most 200 characters.")
    elif q:
        values["q"] = q
    filters = replace(base, **values)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["to"] = N_("The end date is before the start date.")
        filters = replace(filters, date_to=None)
    return filters, errors


# --- Time helpers: local days and hours, for the SQL prefilter and the exact check ------------


def local_day_bounds(
    date_from: date | None, date_to: date | None, tz: str
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for whole local days; `date_to` is inclusive."""
    zone = ZoneInfo(tz)
    start = datetime.combine(date_from, time.min, zone) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, zone) if date_to else None
    return start, end


def local_hours(time_of_day: str) -> frozenset[int]:
    for code, _label, start, end in TIMES_OF_DAY:
        if code == time_of_day:
            if start < end:
                return frozenset(range(start, end))
            return frozenset([*range(start, 24), *range(0, end)])
    raise ValueError(time_of_day)


def _zone_offsets_minutes(tz: str, around: datetime) -> set[int]:
    zone = ZoneInfo(tz)
    offsets = set()
    for year in (around.year - 1, around.year, around.year + 1):
        for month in range(1, 13):
            offset = datetime(year, month, 1, 12, tzinfo=zone).utcoffset()
            offsets.add(int(offset.total_seconds() // 60))
    return offsets


def utc_hour_candidates(time_of_day: str, tz: str, around: datetime) -> frozenset[int]:
    """UTC hours that can fall in the local bucket under any offset the zone uses.

    A superset (summer and winter time both count), cheap to test in SQL; the exact local
    hour is checked in Python afterwards.
    """
    wanted = local_hours(time_of_day)
    hits = set()
    for offset in _zone_offsets_minutes(tz, around):
        for hour in range(24):
            first = hour * 60 + offset
            if {((first + m) // 60) % 24 for m in (0, 59)} & wanted:
                hits.add(hour)
    return frozenset(hits)


def in_time_of_day(moment: datetime, time_of_day: str, tz: str) -> bool:
    return moment.astimezone(ZoneInfo(tz)).hour in local_hours(time_of_day)
