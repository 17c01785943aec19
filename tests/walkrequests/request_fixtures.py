"""Helpers for the walk request tests: the Midtbyen squares as an area, the form's data."""

from __future__ import annotations

import json

import pytest

from sqlalchemy import select

from fieldapp.areas.services import create_area
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.walkrequests.models import WalkRequest

# Karolinelunden, Aalborg (lat, lon), inside the Midtbyen squares' outline below.
KAROLINELUNDEN = (57.04640, 9.92890)


def make_midtbyen():
    west, south, east, north = 9.9110, 57.0420, 9.9310, 57.0495
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = create_area(
        db.session, "Midtbyens pladser", json.dumps({"type": "Polygon", "coordinates": [ring]})
    )
    db.session.commit()
    return area


def form_data(**fields) -> dict:
    data = {
        "requester_kind": "resident",
        "organisation": "",
        "place_name": "Karolinelunden, Aalborg",
        "lat": str(KAROLINELUNDEN[0]),
        "lon": str(KAROLINELUNDEN[1]),
        "reason": "Stien langs skråningen er helt mørk om aftenen, og der sidder folk i buskene.",
        "categories": ["lighting", "sightlines"],
        "season": "winter",
        "time_of_day": "evening",
        "email": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def stored_requests() -> list[WalkRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(WalkRequest).order_by(WalkRequest.id)))


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --- A real SMTP server on loopback (aiosmtpd), as tests/notify does it --------------------------

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
