"""Several workers share the queue on PostgreSQL: a row one of them holds is skipped."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.notify.services import enqueue
from fieldapp.notify.worker import deliver_due


def test_a_message_another_worker_holds_is_skipped(app) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite runs one worker")
    held = enqueue(db.session, "a@example.dk", "A", "Tekst")
    free = enqueue(db.session, "b@example.dk", "B", "Tekst")
    db.session.commit()
    held_id, free_id = held.id, free.id
    sent = []

    with db.engine.connect() as other_worker, other_worker.begin():
        other_worker.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == held_id).with_for_update()
        )
        assert deliver_due(db.session, lambda m: sent.append(m.id)) == (1, 0, 0)
    assert sent == [free_id]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, held_id).status == "pending"
