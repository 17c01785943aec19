"""Drafting and publishing a walk's follow-up report, and who is mailed when; no Flask.

`publish_report` is the one place a report goes public: the view calls it, and anything else
that should happen on publication (e.g. mailing the people who asked for the walk) hooks in
through its `notify` callback, in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation
from fieldapp.db import utcnow
from fieldapp.walkreports.content import candidate_photos
from fieldapp.walkreports.models import WalkReport, WalkReportMailing, WalkReportPhoto
from fieldapp.walks.models import Participant, Walk

# At most one mail about a report per recipient in this period; later updates wait for it.
MAIL_INTERVAL = timedelta(days=7)
DEFAULT_LOCALE = "da"


class ReportError(ValueError):
    """A report that cannot be published or saved as asked; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str

    @property
    def key(self) -> str:
        return address_key(self.address)


@dataclass(frozen=True)
class PublishResult:
    report: WalkReport
    first: bool  # the first publication, not an update
    mailed: list[Recipient]
    deferred: list[Recipient]  # mailed less than a week ago: they get this update later


# Called with the report, whether it is the first publication, and who is mailed now.
Notifier = Callable[[WalkReport, bool, list[Recipient]], None]


def address_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def get_report(session: Session, walk: Walk) -> WalkReport | None:
    return session.scalar(select(WalkReport).where(WalkReport.walk_id == walk.id))


def get_or_create_report(session: Session, walk: Walk) -> WalkReport:
    report = get_report(session, walk)
    if report is None:
        report = WalkReport(walk=walk, introduction="")
        session.add(report)
        session.flush()
    return report


def find_published(session: Session, token: str) -> WalkReport | None:
    """The published report behind a public link; None for drafts and unknown tokens."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(WalkReport).where(WalkReport.token == token, WalkReport.published_at.is_not(None))
    )


def save_draft(
    session: Session, walk: Walk, introduction: str, photo_ids: Iterable[int]
) -> WalkReport:
    """Store the introduction and the chosen photos.

    :raise ReportError("photo"): a photo that is not one of the walk's own.
    """
    report = get_or_create_report(session, walk)
    allowed = {p.id for p in candidate_photos(session, walk)}
    wanted = set(photo_ids or ())
    if not wanted <= allowed:
        raise ReportError("photo")
    report.introduction = (introduction or "").strip()
    report.photos = [p for p in report.photos if p.photo_id in wanted]
    for photo_id in sorted(wanted - report.photo_ids):
        report.photos.append(WalkReportPhoto(photo_id=photo_id))
    session.flush()
    return report


def recipients(session: Session, walk: Walk) -> list[Recipient]:
    """Participants and reporters of the walk who left an address and asked for the report;
    one entry per address, in the language the person joined in (Danish when unknown)."""
    found: dict[str, Recipient] = {}
    for person in session.scalars(
        select(Participant)
        .where(
            Participant.walk_id == walk.id,
            Participant.email.is_not(None),
            Participant.email_consent.is_(True),
        )
        .order_by(Participant.id)
    ):
        recipient = Recipient(person.email, person.locale or DEFAULT_LOCALE)
        found.setdefault(recipient.key, recipient)
    for obs in session.scalars(
        select(Observation)
        .where(
            Observation.walk_id == walk.id,
            Observation.reporter_email.is_not(None),
            Observation.email_consent.is_(True),
        )
        .order_by(Observation.id)
    ):
        locale = obs.participant.locale if obs.participant and obs.participant.locale else None
        recipient = Recipient(obs.reporter_email, locale or DEFAULT_LOCALE)
        found.setdefault(recipient.key, recipient)
    return list(found.values())


def _mailings(session: Session, report: WalkReport) -> dict[str, WalkReportMailing]:
    rows = session.scalars(
        select(WalkReportMailing).where(WalkReportMailing.report_id == report.id)
    )
    return {row.address_key: row for row in rows}


def publish_report(
    session: Session,
    walk: Walk,
    *,
    introduction: str | None = None,
    photo_ids: Iterable[int] | None = None,
    notify: Notifier | None = None,
    now: datetime | None = None,
) -> PublishResult:
    """Publish (or re-publish) the walk's report and mail everyone who asked for it.

    Recipients mailed about this report within MAIL_INTERVAL are not mailed again now; they are
    marked as owed an update, which `send_owed_updates` sends once their week is over.
    :raise ReportError("planned"): the walk has not happened yet.
    """
    if walk.status == "planned":
        raise ReportError("planned")
    now = now or utcnow()
    report = get_or_create_report(session, walk)
    if introduction is not None or photo_ids is not None:
        save_draft(
            session,
            walk,
            report.introduction if introduction is None else introduction,
            report.photo_ids if photo_ids is None else photo_ids,
        )
    first = report.published_at is None
    if first:
        report.published_at = now
    report.republished_at = now

    sent = _mailings(session, report)
    mailed, deferred = [], []
    for recipient in recipients(session, walk):
        row = sent.get(recipient.key)
        if row is None:
            session.add(
                WalkReportMailing(report_id=report.id, address_key=recipient.key, last_sent_at=now)
            )
            mailed.append(recipient)
        elif row.last_sent_at <= now - MAIL_INTERVAL:
            row.last_sent_at, row.owed = now, False
            mailed.append(recipient)
        else:
            row.owed = True
            deferred.append(recipient)
    session.flush()
    if notify is not None:
        notify(report, first, mailed)
    return PublishResult(report, first, mailed, deferred)


def send_owed_updates(session: Session, notify: Notifier, now: datetime | None = None) -> int:
    """Mail the updates held back by the weekly limit whose week is over; returns how many."""
    now = now or utcnow()
    rows = session.scalars(
        select(WalkReportMailing)
        .where(
            WalkReportMailing.owed.is_(True),
            WalkReportMailing.last_sent_at <= now - MAIL_INTERVAL,
        )
        .order_by(WalkReportMailing.report_id, WalkReportMailing.id)
    ).all()
    by_report: dict[int, list[WalkReportMailing]] = {}
    for row in rows:
        by_report.setdefault(row.report_id, []).append(row)
    count = 0
    for report_id, owed in by_report.items():
        report = session.get(WalkReport, report_id)
        current = {r.key: r for r in recipients(session, report.walk)}
        due = []
        for row in owed:
            row.owed = False  # someone who has left (or withdrew) is owed nothing
            if row.address_key in current:
                row.last_sent_at = now
                due.append(current[row.address_key])
        if due:
            notify(report, False, due)
            count += len(due)
    session.flush()
    return count
