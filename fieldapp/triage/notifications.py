"""E-mails caused by a status change, written to the outbox in the change's own transaction.

Pass `notify_status_change` as the workflow's `notify` callback. It renders mail templates, so
it needs an app context (a request gives the host for links; PUBLIC_BASE_URL wins). Mails are
in Danish: the administrations are Danish, and we do not know a reporter's language.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from fieldapp.capture.models import Observation
from fieldapp.followup.services import (
    FINAL_STATUSES,
    PUBLIC_STATUS_LABELS,
    REPORTER_STATUSES,
    forget_addresses,
    format_code,
    one_per_address,
    subscribers,
)
from fieldapp.notify.services import enqueue
from fieldapp.notify.urls import absolute_url, issue_url
from fieldapp.orgs.models import Administration
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import PRIORITY_LABELS

MAIL_LOCALE = "da"


def notify_status_change(issue: Issue, event: IssueEvent) -> None:
    """Queue the mails for `event`: the administration on forwarding, and every reporter
    who consented on a change they can see. Never includes reporter addresses in staff mail,
    never the internal note in reporter mail."""
    if event.kind != "status" or not event.to_status:
        return
    session = object_session(issue)
    if session is None:
        raise RuntimeError("notify_status_change needs an issue attached to a session")
    with force_locale(MAIL_LOCALE):
        if event.to_status == "forwarded":
            _mail_administration(session, issue, event)
        if event.to_status in REPORTER_STATUSES:
            _mail_reporters(session, issue, event)


def _render(name: str, **context) -> tuple[str, str]:
    return (
        render_template(f"mail/{name}.txt", **context),
        render_template(f"mail/{name}.html", **context),
    )


def _mail_administration(session: Session, issue: Issue, event: IssueEvent) -> None:
    admin_id = event.administration_id or issue.administration_id
    administration = session.get(Administration, admin_id) if admin_id else None
    if administration is None:
        return
    addresses = administration.email_list
    if not addresses:
        # Visible on the mail page's list of administrations without an address.
        current_app.logger.warning(
            "Issue %s forwarded to %s, which has no e-mail address", issue.id, administration.name
        )
        return
    category = CATEGORY_BY_CODE.get(issue.category)
    observation_count = session.scalar(
        select(func.count()).select_from(Observation).where(Observation.issue_id == issue.id)
    )
    text, html = _render(
        "issue_forwarded",
        issue=issue,
        administration=administration,
        category_label=_(category.label) if category else issue.category,
        priority_label=_(PRIORITY_LABELS.get(issue.priority, issue.priority)),
        public_comment=event.public_comment,
        internal_note=event.internal_note,
        observation_count=observation_count,
        link=issue_url(issue.id),
    )
    subject = _("Issue #%(id)d forwarded to you: %(title)s", id=issue.id, title=issue.title)
    for address in addresses:
        enqueue(session, address, subject, text, html, ref=f"issue:{issue.id}")


def _mail_reporters(session: Session, issue: Issue, event: IssueEvent) -> None:
    consenting = subscribers(session, issue)
    status_label = _(PUBLIC_STATUS_LABELS[event.to_status])
    for obs in one_per_address(consenting):
        category = CATEGORY_BY_CODE.get(obs.category)
        # Only public values go into the template: no event, no issue, no internal note.
        text, html = _render(
            "status_update",
            code=format_code(obs.tracking_code),
            category_label=_(category.label) if category else obs.category,
            reported_at=obs.created_at,
            status_label=status_label,
            public_comment=event.public_comment,
            link=absolute_url("followup.track", code=obs.tracking_code),
            final=event.to_status in FINAL_STATUSES,
        )
        subject = _(
            "Your observation %(code)s: %(status)s",
            code=format_code(obs.tracking_code),
            status=status_label,
        )
        enqueue(session, obs.reporter_email, subject, text, html, ref=f"issue:{issue.id}")
    if event.to_status in FINAL_STATUSES:
        forget_addresses(consenting)
