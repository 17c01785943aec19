"""The worker loop: batches until nothing is due, polls until told to stop, survives DB outages."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import enqueue
from fieldapp.notify.worker import run


def statuses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_once_delivers_everything_due_in_several_batches(app) -> None:
    for n in range(5):
        enqueue(db.session, f"m{n}@example.dk", "Hej", "Tekst")
    db.session.commit()
    sent, lines = [], []

    totals = run(db.session, lambda: nullcontext(sent.append), lines.append, once=True, batch=2)

    assert totals.sent == 5 and len(sent) == 5
    assert statuses() == ["sent"] * 5
    assert lines == ["mail-worker: 2 sent, 0 to retry later, 0 failed"] * 2 + [
        "mail-worker: 1 sent, 0 to retry later, 0 failed"
    ]


def test_the_loop_polls_until_stopped_and_deletes_old_sent_mail(app) -> None:
    old = enqueue(db.session, "gammel@example.dk", "Gammel", "Tekst")
    old.status, old.sent_at = "sent", utcnow() - timedelta(days=40)
    db.session.commit()
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:  # mail arrives while the worker sleeps
            enqueue(db.session, "ny@example.dk", "Ny", "Tekst")
            db.session.commit()

    totals = run(
        db.session,
        lambda: nullcontext(lambda message: None),
        lambda line: None,
        interval=2,
        keep_sent=timedelta(days=30),
        should_stop=lambda: len(naps) >= 3,
        sleep=sleep,
    )

    assert totals.sent == 1 and totals.purged == 1
    assert statuses() == ["sent"]
    assert naps == [1.0, 1.0, 1.0]  # short naps, so a stop request is seen within a second


def test_a_database_outage_is_reported_and_the_worker_keeps_going(app) -> None:
    enqueue(db.session, "a@example.dk", "Hej", "Tekst")
    db.session.commit()
    calls, lines, sent = [], [], []

    def open_sender():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return nullcontext(sent.append)

    run(
        db.session,
        open_sender,
        lines.append,
        interval=0,
        should_stop=lambda: bool(sent),
        sleep=lambda s: None,
    )

    assert "database error" in lines[0]
    assert len(sent) == 1
