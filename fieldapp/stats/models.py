from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.areas.models import Area
from fieldapp.db import Base, TimestampMixin


class SuccessCriterion(TimestampMixin, Base):
    """A measurable target for an area (or the whole municipality when area_id is None).

    `kind` says how the actual value is computed from the data (see stats/criteria.py);
    "manual" values (e.g. the police's safety index) are entered per year in CriterionValue.
    """

    __tablename__ = "success_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[float]
    # at_least | at_most: whether the actual value must reach or stay under the target.
    direction: Mapped[str] = mapped_column(String(10), default="at_least")
    days: Mapped[int | None]  # for "share resolved within N days"
    baseline: Mapped[float | None]
    baseline_year: Mapped[int | None]
    first_year: Mapped[int | None]
    last_year: Mapped[int | None]
    data_source: Mapped[str] = mapped_column(Text, default="")
    measured_by: Mapped[str] = mapped_column(String(200), default="")

    area: Mapped[Area | None] = relationship()
    values: Mapped[list[CriterionValue]] = relationship(
        back_populates="criterion", cascade="all, delete-orphan", order_by="CriterionValue.year"
    )


class CriterionValue(Base):
    """A value entered by hand for one year, with where it came from."""

    __tablename__ = "criterion_value"
    __table_args__ = (UniqueConstraint("criterion_id", "year", name="uq_criterion_value_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("success_criterion.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    value: Mapped[float]
    source: Mapped[str] = mapped_column(String(300), default="")

    criterion: Mapped[SuccessCriterion] = relationship(back_populates="values")
