"""Account rules that the views and the CLI share."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.auth.models import ROLES, User

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; same answer for unknown and wrong."""
    user = find_user(session, email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def create_user(
    session: Session, email: str, name: str, password: str, role: str = "coordinator"
) -> User:
    """:raise AccountError: unknown role, short password or an e-mail already in use."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if "@" not in email:
        raise AccountError("not an e-mail address")
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(email=normalise_email(email), name=name.strip() or email, role=role)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user
