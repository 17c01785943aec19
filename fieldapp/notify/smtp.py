"""Turning an outbox row into an e-mail and handing it to an SMTP server (or the console).

No Flask here: settings come in as a plain mapping (the app config), so the worker and the
tests build senders the same way.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TextIO

from fieldapp.db import utcnow
from fieldapp.notify.models import OutboxMessage


class PermanentFailure(Exception):
    """The server refused the message for good (e.g. unknown recipient); retrying cannot help."""


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = "fieldapp <noreply@localhost>"
    timeout: float = 15.0

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        return cls(
            server=(config.get("MAIL_SERVER") or "").strip(),
            port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or "",
            password=config.get("MAIL_PASSWORD") or "",
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            sender=config.get("MAIL_DEFAULT_SENDER") or "fieldapp <noreply@localhost>",
            timeout=float(config.get("MAIL_TIMEOUT") or 15),
        )

    def describe(self) -> str:
        if not self.server:
            return "console (MAIL_SERVER is not set: mail is printed, not sent)"
        mode = " with SSL" if self.use_ssl else " with STARTTLS" if self.use_tls else ""
        return f"SMTP {self.server}:{self.port}{mode}"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """A multipart/alternative mail: plain text first, HTML as the richer alternative."""
    email = EmailMessage()
    _set_subject(email, message.subject)
    email["From"] = sender
    email["To"] = message.to_addr
    email["Date"] = format_datetime(utcnow())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    # Tell autoresponders and mailing lists that no human sent this.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text, cte="quoted-printable")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    return email


def _set_subject(email: EmailMessage, subject: str) -> None:
    """Set Subject so that it decodes to exactly `subject` at the receiving end.

    The standard library's folder can break a long subject right after "Subject:" (the
    receiver then reads a leading space) and moves or drops spaces around encoded words
    ("gjorde:  «citat»Opfølgning"). The older Header class folds correctly: ASCII at spaces
    that unfolding restores, other text as RFC 2047 words that carry their own spaces. Its
    result is stored already folded, so the generator sends it as is.
    """
    charset = "us-ascii" if subject.isascii() else "utf-8"
    folded = Header(subject, charset, header_name="Subject").encode(linesep="\n")
    email.set_raw("Subject", folded)


def _check_address(address: str) -> None:
    """:raise PermanentFailure: not a mailbox an SMTP server could accept."""
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError) as exc:
        raise PermanentFailure(f"invalid recipient address {address!r}") from exc
    if "@" not in address:
        raise PermanentFailure(f"invalid recipient address {address!r}")


class SmtpSender:
    """Sends outbox messages over one SMTP connection, opened on first use and reused.

    Use as a context manager so the connection is closed after a batch. A failed send closes
    the connection; the next message opens a fresh one.
    """

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                self._conn.close()
            self._conn = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.use_ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                s.server, s.port, timeout=s.timeout, context=context
            )
        else:
            conn = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
            if s.use_tls:
                conn.starttls(context=context)
        if s.username:
            conn.login(s.username, s.password)
        return conn

    def __call__(self, message: OutboxMessage) -> None:
        """Deliver one message.

        :raise PermanentFailure: the server refused it with a 5xx; any other exception means
            "try again later".
        """
        _check_address(message.to_addr)
        email = build_email(message, self.settings.sender)
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _text in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise
        except smtplib.SMTPDataError as exc:
            self.close()
            if 500 <= exc.smtp_code < 600:
                detail = f"{exc.smtp_code} {exc.smtp_error!r}"
                raise PermanentFailure(f"message refused: {detail}") from exc
            raise
        except (smtplib.SMTPException, OSError):
            # Drop a connection in an unknown state; the retry reconnects.
            self._conn.close()
            self._conn = None
            raise


class ConsoleSender:
    """Prints messages instead of sending them, so `make run` works without a mail server."""

    def __init__(self, settings: MailSettings, stream: TextIO | None = None):
        self.settings = settings
        self.stream = stream

    def __enter__(self) -> ConsoleSender:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def __call__(self, message: OutboxMessage) -> None:
        stream = self.stream or sys.stdout
        _check_address(message.to_addr)
        rule = "-" * 72
        stream.write(
            f"{rule}\n[console mail, not sent: MAIL_SERVER is not set]\n"
            f"From: {self.settings.sender}\nTo: {message.to_addr}\n"
            f"Subject: {message.subject}\n\n{message.body_text}\n{rule}\n"
        )
        stream.flush()


def make_sender(config: Mapping) -> SmtpSender | ConsoleSender:
    settings = MailSettings.from_config(config)
    return SmtpSender(settings) if settings.server else ConsoleSender(settings)
