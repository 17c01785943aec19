from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.areas.models import Area
from fieldapp.db import Base, TimestampMixin
from fieldapp.orgs.models import Administration


class RoutingRule(TimestampMixin, Base):
    """category (× area) → administration; a rule with an area beats one without."""

    __tablename__ = "routing_rule"
    __table_args__ = (
        UniqueConstraint("category", "area_id", name="uq_routing_rule_category_area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    administration_id: Mapped[int] = mapped_column(
        ForeignKey("administration.id", ondelete="CASCADE")
    )

    area: Mapped[Area | None] = relationship()
    administration: Mapped[Administration] = relationship()
