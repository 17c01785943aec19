"""Loading the logged-in user for Flask-Login."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.extensions import db


def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
