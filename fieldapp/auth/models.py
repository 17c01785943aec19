"""Staff user accounts. Participants on a walk never get one."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.db import Base, TimestampMixin, UTCDateTime

ROLES = ("admin", "coordinator", "staff")
DEFAULT_HASH_METHOD = "scrypt"


def hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD: scrypt in production; the tests' config picks a cheap
    one, since thousands of log-ins at scrypt's cost made up minutes of every CI run."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_HASH_METHOD
    return DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="coordinator")
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Staff users work for exactly one administration and see only its queue.
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administration.id", ondelete="SET NULL"), index=True
    )

    administration = relationship("Administration")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def can_coordinate(self) -> bool:
        return self.role in ("admin", "coordinator")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginThrottle(Base):
    """Failed log-ins per e-mail address, shared by every web process through the database.

    Keyed by a hash of the normalised address, whether or not an account has it, so a lock
    says nothing about which addresses exist and the table holds no readable addresses.
    """

    __tablename__ = "login_throttle"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
