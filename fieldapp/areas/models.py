"""An area drawn on a map; routing rules and reports can be limited to one."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base, TimestampMixin


class Area(TimestampMixin, Base):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # A GeoJSON Polygon or MultiPolygon geometry (lon/lat order, as GeoJSON says).
    geometry: Mapped[str] = mapped_column(Text)
    # Bounding box, so a point is tested against a polygon only when it can be inside.
    south: Mapped[float]
    west: Mapped[float]
    north: Mapped[float]
    east: Mapped[float]
