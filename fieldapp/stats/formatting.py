"""Numbers, targets, trends and "today" as the stats pages and the reports show them."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from fieldapp.db import utcnow
from fieldapp.stats.criteria import COUNT_KINDS
from fieldapp.stats.models import SuccessCriterion
from fieldapp.stats.progress import Trend
from fieldapp.taxonomy import CATEGORY_BY_CODE

# A criterion's status is a word with a symbol, never a colour alone.
STATUS_SYMBOLS = {
    "achieved": "✓",
    "on_track": "●",
    "at_risk": "⚠",
    "missed": "✗",
    "no_data": "–",
}
TREND_ARROWS = {"up": "↑", "down": "↓", "same": "→"}
PERCENT_KINDS = frozenset({"share_resolved_within_days", "yearly_change"})


def local_tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def today() -> date:
    """Today in local time: a year or a deadline turns over at local midnight."""
    return utcnow().astimezone(ZoneInfo(local_tz())).date()


def number(value: float | None, percent: bool = False, signed: bool = False) -> str:
    """A figure as the reader's locale writes it, one decimal at most: "66,7 %" in Danish."""
    if value is None:
        return "–"
    text = format_decimal(round(value, 1), "+#,##0.#;-#,##0.#" if signed else "#,##0.#")
    return _("%(value)s %%", value=text) if percent else text


def is_percent(c: SuccessCriterion) -> bool:
    return c.kind in PERCENT_KINDS


def value_text(c: SuccessCriterion, value: float | None) -> str:
    """A criterion's value: "+12,5 %" for a change, "66,7 %" for a share, else the number."""
    return number(value, is_percent(c), signed=c.kind == "yearly_change")


def category_label(code: str | None) -> str:
    if not code:
        return _("all categories")
    return _(CATEGORY_BY_CODE[code].label) if code in CATEGORY_BY_CODE else code


def period_label(year: int, period: str) -> str:
    """ "2025", "1st half of 2025", "3rd quarter of 2025"."""
    labels = {
        "": "%(year)d",
        "year": "%(year)d",
        "H1": _("1st half of %(year)d"),
        "H2": _("2nd half of %(year)d"),
        "Q1": _("1st quarter of %(year)d"),
        "Q2": _("2nd quarter of %(year)d"),
        "Q3": _("3rd quarter of %(year)d"),
        "Q4": _("4th quarter of %(year)d"),
    }
    return labels.get(period, "%(year)d") % {"year": year}


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
    if c.kind == "yearly_change":
        if c.direction == "at_most" and c.target <= 0:
            return _(
                "%(category)s down at least %(value)s a year",
                category=category_label(c.category),
                value=number(-c.target, True),
            )
        if c.direction == "at_least" and c.target >= 0:
            return _(
                "%(category)s up at least %(value)s a year",
                category=category_label(c.category),
                value=number(c.target, True),
            )
        return _(
            "%(category)s: a change of %(direction)s %(value)s a year",
            category=category_label(c.category),
            direction=direction,
            value=number(c.target, True, signed=True),
        )
    if c.kind == "milestone":
        if c.due_date is None:
            return _("done")
        return _("done by %(date)s", date=format_date(c.due_date, "medium"))
    return _("%(direction)s %(value)s", direction=direction, value=number(c.target))


def trend_text(c: SuccessCriterion, t: Trend | None) -> str:
    """ "Up from 2 (2025), better" — words, the arrow is added by the template."""
    if t is None:
        return _("No earlier value to compare with")
    when = period_label(t.previous_year, t.previous_period)
    previous = value_text(c, t.previous)
    if t.change == "same":
        return _("Unchanged from %(value)s (%(when)s)", value=previous, when=when)
    if t.change == "up":
        text = _("Up from %(value)s (%(when)s)", value=previous, when=when)
    else:
        text = _("Down from %(value)s (%(when)s)", value=previous, when=when)
    return text + ", " + (_("better") if t.better else _("worse"))


def criterion_template_values() -> dict:
    """What the criterion macros (templates/stats/_macros.html) need, for every page using them."""
    from fieldapp.stats.criteria import KIND_LABELS, PERIOD_LABELS
    from fieldapp.stats.progress import STATUS_LABELS

    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_SYMBOLS": STATUS_SYMBOLS,
        "TREND_ARROWS": TREND_ARROWS,
        "PERIOD_LABELS": PERIOD_LABELS,
        "number": number,
        "value_text": value_text,
        "trend_text": trend_text,
        "target_text": target_text,
        "period_label": period_label,
        "category_label": category_label,
    }
