"""The weekly digest: each organisation's contact addresses and each owner get their
needs-attention items, once per ISO week, through the mail outbox.

Plain functions on a session; `render` (supplied by digest_mail, which needs Flask for the
templates) turns a recipient and their sections into (subject, text, html). Each mail and its
DigestSent row are written together in a savepoint, and the unique (recipient, week) makes a
second run, or two runs at once, send nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.attention.models import DigestSent
from fieldapp.attention.services import Section, overview
from fieldapp.auth.models import User
from fieldapp.notify.services import enqueue
from fieldapp.orgs.models import Administration

ORGANISATION_LOCALE = "da"  # the organisations are Danish
ITEMS_PER_SECTION = 50


def iso_week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Recipient:
    key: str  # "user:<id>" or "org:<id>:<address>"
    address: str
    locale: str
    name: str
    organisation: Administration | None = None
    user: User | None = None


@dataclass
class DigestRun:
    week: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    nothing_to_do: list[str] = field(default_factory=list)


Render = Callable[[Recipient, list[Section], datetime], tuple[str, str, str]]


def _recipients(session: Session) -> list[tuple[Recipient, int | None, int | None]]:
    """(recipient, org_id, owner_id): organisations' addresses first, then each owner."""
    found = []
    orgs = session.scalars(
        select(Administration)
        .where(Administration.active.is_(True))
        .order_by(func.lower(Administration.name))
    )
    for org in orgs:
        for address in org.email_list:
            key = f"org:{org.id}:{address.lower()}"
            found.append(
                (
                    Recipient(key, address, ORGANISATION_LOCALE, org.name, organisation=org),
                    org.id,
                    None,
                )
            )
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    for user in users:
        locale = user.locale or ORGANISATION_LOCALE
        found.append(
            (Recipient(f"user:{user.id}", user.email, locale, user.name, user=user), None, user.id)
        )
    return found


def send_digests(session: Session, now: datetime, render: Render) -> DigestRun:
    """Queue this week's digests; the caller commits (the outbox sends after the commit)."""
    run = DigestRun(week=iso_week(now))
    done = set(session.scalars(select(DigestSent.recipient).where(DigestSent.week == run.week)))
    for recipient, org_id, owner_id in _recipients(session):
        if recipient.key in done:
            run.already_sent.append(recipient.address)
            continue
        sections = overview(session, org_id, now, owner_id=owner_id, limit=ITEMS_PER_SECTION)
        if not sections:
            run.nothing_to_do.append(recipient.address)
            continue
        subject, text, html = render(recipient, sections, now)
        try:
            with session.begin_nested():
                message = enqueue(
                    session, recipient.address, subject, text, html, ref=f"digest:{run.week}"
                )
                session.flush()
                session.add(
                    DigestSent(recipient=recipient.key, week=run.week, outbox_message_id=message.id)
                )
                session.flush()
        except IntegrityError:  # another run got there first; its mail is the one
            run.already_sent.append(recipient.address)
            continue
        run.sent.append(recipient.address)
    return run
