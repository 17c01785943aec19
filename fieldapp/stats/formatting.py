"""Numbers and "today" as the stats pages, the exports and the yearly report show them."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from fieldapp.db import utcnow
from fieldapp.stats.criteria import COUNT_KINDS
from fieldapp.stats.models import SuccessCriterion

# A criterion's status is a word with a symbol, never a colour alone.
STATUS_SYMBOLS = {"met": "✓", "not_met": "✗", "in_progress": "…", "no_data": "–"}


def local_tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def today() -> date:
    """Today in local time: a year or a deadline turns over at local midnight."""
    return utcnow().astimezone(ZoneInfo(local_tz())).date()


def number(value: float | None, percent: bool = False) -> str:
    """A figure as the reader's locale writes it, one decimal at most: "66,7 %" in Danish."""
    if value is None:
        return "–"
    text = format_decimal(round(value, 1), "#,##0.#")
    return _("%(value)s %%", value=text) if percent else text


def target_text(c: SuccessCriterion) -> str:
    direction = _("at most") if c.direction == "at_most" else _("at least")
    if c.kind == "share_resolved_within_days":
        return _(
            "%(direction)s %(value)s resolved within %(days)d days",
            direction=direction,
            value=number(c.target, True),
            days=c.days or 0,
        )
    if c.kind in COUNT_KINDS:
        return _("%(direction)s %(value)s a year", direction=direction, value=number(c.target))
    return _("%(direction)s %(value)s", direction=direction, value=number(c.target))
