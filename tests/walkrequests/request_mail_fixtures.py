"""A real SMTP server on loopback (aiosmtpd) for the walk request mails, as tests/notify does it.

Test modules star-import it to get the fixture (a conftest.py here would shadow the root one).
"""

from __future__ import annotations

import pytest

__all__ = ["BASE_URL", "smtp_inbox"]

BASE_URL = "https://tryg.example.dk"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_inbox(app):
    """aiosmtpd on a free loopback port, the app's mail settings pointed at it for one test."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME")
    saved = {k: app.config.get(k) for k in (*keys, "PUBLIC_BASE_URL", "MAIL_DEFAULT_SENDER")}
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME="",
        MAIL_DEFAULT_SENDER="fieldapp <noreply@tryg.example.dk>",
        PUBLIC_BASE_URL=BASE_URL,
    )
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()
    app.config.update(saved)
