"""Mail fixtures: a real SMTP server on loopback (aiosmtpd), a closed port, issues to forward.

Imported by the test modules rather than kept in a conftest.py: test folders have no
__init__.py, so a second module named `conftest` would shadow tests/conftest.py for tests
that import helpers from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from mail_helpers import BASE_URL, free_port

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue

__all__ = ["administration", "mail_config", "reported_issue", "smtp_down", "smtp_server"]


@dataclass
class Inbox:
    """What the loopback server received; `refuse` makes it answer 550 for those recipients."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


MAIL_KEYS = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_TIMEOUT",
    "MAIL_DEFAULT_SENDER",
    "PUBLIC_BASE_URL",
)


@pytest.fixture
def mail_config(app):
    """Set mail settings on the session-wide app for one test and put the old ones back."""
    saved = {key: app.config.get(key) for key in MAIL_KEYS}
    app.config.update(
        MAIL_SERVER="",
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME="",
        MAIL_PASSWORD="",
        MAIL_TIMEOUT=5,
        MAIL_DEFAULT_SENDER="fieldapp <noreply@tryg.example.dk>",
        PUBLIC_BASE_URL=BASE_URL,
    )
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp_server(mail_config):
    """A real SMTP server on 127.0.0.1, with the app pointed at it."""
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(mail_config):
    """The app pointed at a loopback port where no server listens."""
    mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    return mail_config


@pytest.fixture
def administration(app) -> Administration:
    admin = Administration(
        name="By- og Landskabsforvaltningen",
        short_name="BLF",
        emails="park@aalborg.example.dk; drift@aalborg.example.dk",
    )
    db.session.add(admin)
    db.session.commit()
    return admin


@pytest.fixture
def reported_issue(app, make_walk):
    """An issue made of three observations: one reporter consented to e-mail, one left an
    address without consent (never stored by the form, but the rule must hold anyway), one
    left nothing."""
    walk = make_walk()
    issue = Issue(
        title="Mørk sti ved blok 4",
        category="lighting",
        lat=57.0693,
        lon=9.9089,
        description="Tre lamper er gået ud.",
    )
    db.session.add(issue)
    observations = [
        Observation(
            walk=walk,
            category="lighting",
            text="Helt mørkt om aftenen.",
            reporter_email="beboer@example.dk",
            email_consent=True,
            issue=issue,
        ),
        Observation(
            walk=walk,
            category="lighting",
            text="Jeg går en omvej.",
            reporter_email="nej-tak@example.dk",
            email_consent=False,
            issue=issue,
        ),
        Observation(walk=walk, category="lighting", text="Lampen blinker.", issue=issue),
    ]
    db.session.add_all(observations)
    db.session.commit()
    return issue
