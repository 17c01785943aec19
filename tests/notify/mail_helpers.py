"""Helpers for the mail tests (a plain module: `conftest` names clash between test folders)."""

from __future__ import annotations

import socket
from email.message import EmailMessage

from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue
from fieldapp.triage.notifications import notify_status_change
from fieldapp.triage.workflow import Actor, change_status

BASE_URL = "https://tryg.example.dk"
COORDINATOR = Actor(user_id=None, coordinates=True)


def free_port() -> int:
    """A port nothing listens on (bound, read and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def forward(issue: Issue, administration: Administration, **comments) -> None:
    """Forward through the workflow with the real notifier, and commit, as the triage view does."""
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "forwarded",
        administration_id=administration.id,
        notify=notify_status_change,
        **comments,
    )
    db.session.commit()


def set_status(issue: Issue, status: str, **comments) -> None:
    change_status(db.session, issue, COORDINATOR, status, notify=notify_status_change, **comments)
    db.session.commit()


def parts(message: EmailMessage) -> dict[str, str]:
    """content type -> decoded text of every leaf part."""
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }
