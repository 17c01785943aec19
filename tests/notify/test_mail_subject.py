"""Subjects reach the mail server exactly as written, however the header has to be folded."""

from __future__ import annotations

import pytest
from mail_fixtures import *  # noqa: F403  (its pytest fixtures)

from fieldapp.extensions import db
from fieldapp.notify.services import enqueue

SUBJECTS = [
    # Folded next to an encoded word: the space before it moved ("Aalborg  Øst–Tornhøjparken").
    "Vi har modtaget din anmodning om en tryghedsvandring: Aalborg Øst – Tornhøjparken",
    "Sag nr. 12 er sendt til jer: Tryghedsvandring i Vestbyen, efterår 2026",
    # Folded right after "Subject:", so the receiver read a leading space.
    "sendt I sagde er Aalborg tryghedsvandringen belysning tryghedsvandringen",
    # Short ones, which were always right, stay right.
    "Din observation K7QF-2MXD: Løst",
    "Kræver opmærksomhed, uge 48: 3 punkter",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_received_subject_decodes_to_exactly_what_was_queued(
    runner, smtp_server, subject
) -> None:
    enqueue(db.session, "beboer@example.dk", subject, "Hej")
    db.session.commit()
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output

    (message,) = smtp_server.to("beboer@example.dk")
    assert message["Subject"] == subject
    raw = message.as_string()
    assert all(len(line) <= 78 for line in raw.splitlines()[:20]), "headers are folded"
