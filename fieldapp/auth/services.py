"""Account rules that the views and the CLI share."""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.auth.models import ROLES, User, hash_method
from fieldapp.taxonomy import N_

MIN_PASSWORD_LENGTH = 12
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Digits, punctuation and spaces that people add around a word to pass a rule.
_DECORATION = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@cache
def _dummy_hash(method: str) -> str:
    # Made with the same method as real hashes, so checking it takes as long as a real check.
    return generate_password_hash(secrets.token_hex(16), method=method)


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> tuple[str, dict] | None:
    """The first password rule `password` breaks, as (msgid, params) to translate, or None.

    At least MIN_PASSWORD_LENGTH characters, not the e-mail address (or its name part), not a
    common password or a common word with digits and symbols around it.
    """
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return N_("The password must be at least %(num)d characters."), {"num": MIN_PASSWORD_LENGTH}
    lowered = password.strip().lower()
    base = _DECORATION.sub("", lowered)
    address = normalise_email(email or "")
    if address and (address in lowered or lowered in address or base == address.split("@")[0]):
        return N_("The password must not be your e-mail address."), {}
    common = common_passwords()
    if lowered in common or base in common or len(set(lowered)) < 4:
        return N_("This password is too common and easy to guess. Choose a less obvious one."), {}
    return None


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; same answer for unknown and wrong."""
    user = find_user(session, email)
    if user is None:
        # Spend the time a real check takes, so the answer's speed does not tell either.
        check_password_hash(_dummy_hash(hash_method()), password)
        return None
    if not user.active or not user.check_password(password):
        return None
    return user


def create_user(
    session: Session, email: str, name: str, password: str, role: str = "coordinator"
) -> User:
    """:raise AccountError: unknown role, a password against the policy, an e-mail in use."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    problem = password_problem(password, email)
    if problem is not None:
        message, params = problem
        raise AccountError(message % params)
    if "@" not in email:
        raise AccountError("not an e-mail address")
    if find_user(session, email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(email=normalise_email(email), name=name.strip() or email, role=role)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user
