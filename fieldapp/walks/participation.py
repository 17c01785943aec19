"""Binding a pseudonymous participant to this browser through the signed session cookie."""

from __future__ import annotations

from flask import session

from fieldapp.extensions import db
from fieldapp.walks.models import Participant, Walk

_KEY = "participants"


def current_participant(walk: Walk) -> Participant | None:
    """The participant this browser joined `walk` as, or None.

    The cookie is signed, so an id in it was put there by us; checking the walk too stops an id
    from one walk being used on another.
    """
    pid = session.get(_KEY, {}).get(str(walk.id))
    if pid is None:
        return None
    participant = db.session.get(Participant, pid)
    if participant is None or participant.walk_id != walk.id:
        return None
    return participant


def remember_participant(participant: Participant) -> None:
    joined = dict(session.get(_KEY, {}))
    joined[str(participant.walk_id)] = participant.id
    session[_KEY] = joined
    session.permanent = True
