from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.areas.models import Area
from fieldapp.db import Base, TimestampMixin
from fieldapp.plans.models import ActionItem


class SuccessCriterion(TimestampMixin, Base):
    """A measurable target for an area (or the whole municipality when area_id is None).

    `kind` says how the actual value is computed from the data (see stats/criteria.py);
    "manual" values (e.g. the police's safety index) are entered per year, half-year or
    quarter in CriterionValue; a "milestone" is done when its action item is done or when it
    is marked achieved by hand.
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
    # yearly_change: the taxonomy category counted (None: every category).
    category: Mapped[str | None] = mapped_column(String(30))
    # milestone: the date it must be reached by, the action item that reaches it, and the
    # date it was reached when marked by hand (the item's completion date counts otherwise).
    due_date: Mapped[date | None]
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True
    )
    achieved_on: Mapped[date | None]

    area: Mapped[Area | None] = relationship()
    action_item: Mapped[ActionItem | None] = relationship()
    values: Mapped[list[CriterionValue]] = relationship(
        back_populates="criterion",
        cascade="all, delete-orphan",
        order_by="[CriterionValue.year, CriterionValue.period]",
    )


class CriterionValue(Base):
    """A value entered by hand for one period, with where it came from.

    `period` is "" for the whole year, "H1"/"H2" for a half-year, "Q1"…"Q4" for a quarter:
    the police's safety index, for one, is published half-yearly or yearly.
    """

    __tablename__ = "criterion_value"
    __table_args__ = (
        UniqueConstraint("criterion_id", "year", "period", name="uq_criterion_value_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("success_criterion.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    period: Mapped[str] = mapped_column(String(2), default="", server_default="")
    value: Mapped[float]
    source: Mapped[str] = mapped_column(String(300), default="")

    criterion: Mapped[SuccessCriterion] = relationship(back_populates="values")


class ObservationMonth(Base):
    """Observations per area × category × local month × time of day (stats/summary.py keeps
    it in step on every flush); the dashboards' counts and safety averages read it."""

    __tablename__ = "observation_month"
    # Whole-municipality month ranges (the primary key starts with the area) from the index.
    __table_args__ = (
        Index(
            "ix_observation_month_month",
            "month",
            "area_key",
            "band",
            "category",
            "count",
            "safety_sum",
            "safety_count",
        ),
    )

    # The observation's own area, else its walk's; 0 when it has neither (no foreign key:
    # a deleted area's rows are moved by summary.py, not by the database).
    area_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # yyyymm, local
    band: Mapped[str] = mapped_column(String(10), primary_key=True)  # filters.TIMES_OF_DAY
    count: Mapped[int] = mapped_column(default=0)
    safety_sum: Mapped[int] = mapped_column(default=0)
    safety_count: Mapped[int] = mapped_column(default=0)


class WalkMonth(Base):
    """Safety feelings given on each walk per area × local month (stats/place_summary.py keeps
    it in step); the analyses' "safety per walk" adds these up instead of the observations."""

    __tablename__ = "walk_month"
    __table_args__ = (
        Index("ix_walk_month_month", "month", "area_key", "walk_id", "safety_sum", "safety_count"),
    )

    # No foreign key: a deleted walk's rows are taken away by place_summary.py.
    walk_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    area_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # as above
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # yyyymm, local
    safety_sum: Mapped[int] = mapped_column(default=0)
    safety_count: Mapped[int] = mapped_column(default=0)


class CellMonth(Base):
    """Observations per ~100 m hot-spot cell (analyses.hot_cell) × category × area × local
    month (stats/place_summary.py keeps it in step); the analyses' hot spots add these up."""

    __tablename__ = "cell_month"
    __table_args__ = (
        Index("ix_cell_month_month", "month", "area_key", "cy", "cx", "category", "count"),
    )

    # Primary key by cell first: the categories of the top cells are read by cell.
    cy: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # yyyymm, local
    area_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
