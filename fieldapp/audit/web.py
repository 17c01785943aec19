"""Recording staff actions from views: one insert per request, committed on its own.

Committed right away, so a view that only reads (an issue page, a download) still leaves its
entry, and a later error in rendering or streaming does not lose it. Nothing here reads the log.
"""

from __future__ import annotations

from flask_login import current_user

from fieldapp.audit.services import record
from fieldapp.extensions import db


def log_action(
    action: str, object_type: str = "", object_id: int | None = None, detail: dict | None = None
) -> None:
    """Record `action` by the logged-in user and commit just that.

    Without expiring what the request has loaded: a streamed download goes on using the user
    and the rows it read after this commit, when they may no longer be refreshable.
    """
    record(db.session, current_user, action, object_type, object_id, detail)
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def log_issue_view(issue, shown, shows_contacts: bool) -> None:
    """An issue page was shown with the observations `shown` (one page of them); say how many
    reporter e-mail addresses were on it."""
    contacts = 0
    if shows_contacts:
        contacts = sum(1 for o in shown if o.email_consent and o.reporter_email)
    log_action("issue.viewed", "issue", issue.id, {"reporter_contacts_shown": contacts or 0})
