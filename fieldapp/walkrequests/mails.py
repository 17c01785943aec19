"""E-mails to the person who asked for a walk, in the language they asked in.

Written to the outbox in the caller's transaction. Renders templates, so it needs an app
context (outside a request, links use PUBLIC_BASE_URL).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from fieldapp.notify.services import enqueue
from fieldapp.notify.urls import absolute_url
from fieldapp.walkrequests.models import WalkRequest

KINDS = ("received", "accepted", "declined", "report")


def _subject(kind: str, place: str) -> str:
    return {
        "received": _("We have received your request for a safety walk: %(place)s", place=place),
        "accepted": _(
            "Your request is accepted: a safety walk is planned at %(place)s", place=place
        ),
        "declined": _("Answer to your request for a safety walk: %(place)s", place=place),
        "report": _("The follow-up report from the safety walk at %(place)s", place=place),
    }[kind]


def mail_requester(session: Session, req: WalkRequest, kind: str) -> bool:
    """Queue the `kind` mail for `req`; False (nothing queued) without consent and address."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not (req.email and req.email_consent):
        return False
    locale = req.locale if req.locale in current_app.config["LANGUAGES"] else "da"
    with force_locale(locale):
        context = {
            "kind": kind,
            "req": req,
            "walk": req.walk,
            "link": absolute_url("walkrequests.track", token=req.token),
            "report_url": req.report_url,
        }
        text = render_template("mail/walk_request.txt", **context)
        html = render_template("mail/walk_request.html", **context)
        subject = _subject(kind, req.place_name)
    enqueue(session, req.email, subject, text, html, ref=f"walk_request:{req.id}")
    return True
