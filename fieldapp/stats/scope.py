"""What an analysis covers: an area and local dates (the analyses page's query), and the
default period. Shared by analyses.py and issue_analyses.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Dates far outside this overflow when turned into UTC times; nobody means them.
DATE_RANGE = (date(1990, 1, 1), date(2100, 12, 31))


@dataclass(frozen=True)
class Scope:
    """What to analyse: an area (None: everywhere) and local dates (inclusive)."""

    area_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, from the first of the month eleven months ago to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today
