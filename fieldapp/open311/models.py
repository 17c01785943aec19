from __future__ import annotations

import hashlib

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base, TimestampMixin


def hash_api_key(key: str) -> str:
    # Keys are long random tokens, so a plain SHA-256 is enough (no need for a slow KDF).
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(TimestampMixin, Base):
    """An Open311 client allowed to POST requests with its api_key."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
