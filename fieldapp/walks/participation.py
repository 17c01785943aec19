"""Binding a pseudonymous participant to this browser through the signed session cookie."""

from __future__ import annotations

from flask import abort, session
from sqlalchemy import and_, bindparam, select

from fieldapp.extensions import db
from fieldapp.walks.models import Participant, Walk

_KEY = "participants"

# Built once, like the walk-by-token lookup (walks/join_views.py): every submission runs it.
# The cookie maps walk id -> participant id, but the walk id is only known from this query, so
# every participant id the cookie holds is offered and the one of this walk is picked after.
_WALK_AND_JOINED = (
    select(Walk, Participant)
    .outerjoin(
        Participant,
        and_(
            Participant.walk_id == Walk.id,
            Participant.id.in_(bindparam("pids", expanding=True)),
        ),
    )
    .where(Walk.join_token == bindparam("token"))
)


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


def walk_and_participant_or_404(token: str) -> tuple[Walk, Participant | None]:
    """The walk of `token` and this browser's participant on it (or None), in one query.

    The same answer as `get_walk_by_token_or_404` followed by `current_participant`, which took
    two queries on every submission (bench/submit_cpu.py).

    :raise 404: unknown token.
    """
    joined = session.get(_KEY, {})
    pids = [pid for pid in joined.values() if isinstance(pid, int)]  # none: an empty IN
    rows = db.session.execute(_WALK_AND_JOINED, {"token": token, "pids": pids}).all()
    if not rows:
        abort(404)
    walk = rows[0][0]
    pid = joined.get(str(walk.id))
    # The same checks as current_participant: the cookie's id for this walk, of this walk.
    participant = next((p for _w, p in rows if p is not None and p.id == pid), None)
    return walk, participant


def remember_participant(participant: Participant) -> None:
    joined = dict(session.get(_KEY, {}))
    joined[str(participant.walk_id)] = participant.id
    session[_KEY] = joined
    session.permanent = True
