"""Loading the logged-in user for Flask-Login."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.extensions import db


def load_user(user_id: str) -> User | None:
    """The user for a session cookie; a deactivated user's open sessions end at once."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None
