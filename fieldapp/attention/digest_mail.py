"""Rendering the weekly digest in the recipient's language, with absolute links to each item."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale, ngettext

from fieldapp.attention.digest import Recipient, iso_week
from fieldapp.attention.services import Section
from fieldapp.notify.urls import absolute_url


def render_digest(recipient: Recipient, sections: list[Section], now: datetime):
    """(subject, text, html) for one recipient; every item links straight to its page."""
    with force_locale(recipient.locale):
        total = sum(s.count for s in sections)
        rows = [
            (s, [(item, absolute_url(item.endpoint, **item.values)) for item in s.items])
            for s in sections
        ]
        context = {
            "recipient": recipient,
            "rows": rows,
            "total": total,
            "week": iso_week(now).split("-W")[1].lstrip("0"),
            "attention_link": absolute_url(
                "attention.index",
                org=recipient.organisation.id if recipient.organisation else None,
            ),
        }
        subject = ngettext(
            "Needs attention, week %(week)s: %(num)d item",
            "Needs attention, week %(week)s: %(num)d items",
            total,
            week=context["week"],
        )
        return (
            subject,
            render_template("mail/attention_digest.txt", **context),
            render_template("mail/attention_digest.html", **context),
        )
