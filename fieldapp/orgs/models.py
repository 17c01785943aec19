"""An administration (forvaltning, police district, housing association ...) that fixes things.

Issues belong to an administration, never to a person, so follow-up survives staff changes.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base, TimestampMixin
from fieldapp.taxonomy import N_

ADMINISTRATION_KINDS: tuple[tuple[str, str], ...] = (
    ("municipality", N_("Municipality")),
    ("police", N_("Police")),
    ("housing", N_("Housing association")),
    ("social", N_("Social services")),
    ("fire", N_("Fire and rescue")),
    ("utility", N_("Utilities")),
    ("other", N_("Other")),
)
ADMINISTRATION_KIND_LABELS = dict(ADMINISTRATION_KINDS)


class Administration(TimestampMixin, Base):
    __tablename__ = "administration"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20), default="municipality")
    # Comma-separated; every address gets the forwarding e-mail.
    emails: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.replace(";", ",").split(",") if e.strip()]

    @property
    def label(self) -> str:
        return self.short_name or self.name
