"""The report's e-mail, written to the outbox in the publication's own transaction.

Pass `mail_report` as `publish_report`'s `notify` callback. Each recipient gets the mail in the
language they joined in; it holds the link and a few figures, never anyone's name or address.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import object_session

from fieldapp.notify.services import enqueue
from fieldapp.notify.urls import absolute_url
from fieldapp.walkreports.content import DONE, NOT_DONE, UNDER_WAY, report_content
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkreports.services import Recipient


def report_links(report: WalkReport, locale: str | None = None) -> tuple[str, str]:
    """(page, PDF) as full addresses, in `locale` when given."""
    args = {"lang": locale} if locale else {}
    return (
        absolute_url("walkreport_public.page", token=report.token, **args),
        absolute_url("walkreport_public.pdf", token=report.token, **args),
    )


def mail_report(report: WalkReport, first: bool, recipients: list[Recipient]) -> None:
    if not recipients:
        return
    session = object_session(report)
    content = report_content(session, report)
    figures = {
        "done": len(content.in_group(DONE)),
        "under_way": len(content.in_group(UNDER_WAY)),
        "not_done": len(content.in_group(NOT_DONE)),
        "planned": len(content.planned),
    }
    for recipient in recipients:
        with force_locale(recipient.locale):
            link, pdf_link = report_links(report, recipient.locale)
            values = dict(
                walk_title=content.walk_title,
                starts_at=content.starts_at,
                first=first,
                figures=figures,
                findings=len(content.findings),
                link=link,
                pdf_link=pdf_link,
            )
            text = render_template("mail/walk_report.txt", **values)
            html = render_template("mail/walk_report.html", **values)
            if first:
                subject = _("You said, we did: %(title)s", title=content.walk_title)
            else:
                subject = _("Updated: you said, we did: %(title)s", title=content.walk_title)
        enqueue(session, recipient.address, subject, text, html, ref=f"walkreport:{report.id}")


def mail_report_and_requesters(
    report: WalkReport, first: bool, recipients: list[Recipient]
) -> None:
    """Participants get the report; on first publication, whoever asked for the walk too."""
    from fieldapp.walkrequests.services import notify_report_published

    mail_report(report, first, recipients)
    if first:
        notify_report_published(object_session(report), report.walk, report_links(report)[0])
