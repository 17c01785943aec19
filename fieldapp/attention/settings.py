"""How long an open item may go without a status change before it counts as stale.

Defaults per category; an install overrides them with the ATTENTION_STALE_DAYS config key
(a dict like {"default": 21, "fire_risk": 5}), applied when the blueprint is registered.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_STALE_DAYS = 14
# Hazards to people wait less; a "works well" note may rest much longer.
CATEGORY_STALE_DAYS: dict[str, int] = {
    "fire_risk": 7,
    "behaviour": 7,
    "social_vulnerability": 7,
    "good_place": 60,
}

STALE_DAYS: dict[str, int] = {"default": DEFAULT_STALE_DAYS, **CATEGORY_STALE_DAYS}


def configure(overrides: Mapping[str, int] | None) -> None:
    """Reset to the defaults, then apply `overrides` (config ATTENTION_STALE_DAYS)."""
    STALE_DAYS.clear()
    STALE_DAYS.update({"default": DEFAULT_STALE_DAYS, **CATEGORY_STALE_DAYS})
    for key, days in (overrides or {}).items():
        STALE_DAYS[str(key)] = int(days)


def stale_days(category: str | None = None) -> int:
    return STALE_DAYS.get(category or "default", STALE_DAYS["default"])


# Walk requests wait at most this long for an answer (accept or decline).
REQUEST_ANSWER_DAYS = 14
# A closed walk should have its follow-up report ("you said, we did") published within this.
REPORT_DUE_DAYS = 30
DEADLINES: dict[str, int] = {"request_answer": REQUEST_ANSWER_DAYS, "report_due": REPORT_DUE_DAYS}


def configure_deadlines(request_answer: int | None, report_due: int | None) -> None:
    """Config ATTENTION_REQUEST_ANSWER_DAYS and ATTENTION_REPORT_DUE_DAYS, defaults otherwise."""
    DEADLINES["request_answer"] = int(request_answer or REQUEST_ANSWER_DAYS)
    DEADLINES["report_due"] = int(report_due or REPORT_DUE_DAYS)
