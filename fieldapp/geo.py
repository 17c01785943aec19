"""Coordinate checks and distances; plain functions shared by capture, triage and the API."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


class InvalidPosition(ValueError):
    """A position that cannot be a real place (out of range, or the 0,0 of a failed GPS fix)."""


def validate_position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """Return (lat, lon) rounded to ~1 cm, None when both are missing.

    :raise InvalidPosition: one of the two missing, out of range, not finite, or exactly 0,0.
    """
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidPosition("both latitude and longitude are needed")
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidPosition("not a number")
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise InvalidPosition("out of range")
    if lat == 0 and lon == 0:
        raise InvalidPosition("0,0 is what a failed GPS fix reports")
    return round(lat, 7), round(lon, 7)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); accurate to well under 1 % at walk scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around the points, or None for no points."""
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


# Map grid: every stored position also carries the integer cell it falls in, so that a map
# query is an index range on whole numbers and clusters are a GROUP BY on their quotients
# (triage/map_queries.py). 1000 cells a degree: ~111 m north-south, ~60 m east-west in Denmark.
GRID_PER_DEGREE = 1000


def grid_cell(lat: float | None, lon: float | None) -> tuple[int | None, int | None]:
    """(row, column) of the grid cell holding the position; (None, None) without one.

    Offsets make both non-negative, so SQL can floor by integer division on either engine.
    """
    if lat is None or lon is None:
        return None, None
    return math.floor((lat + 90) * GRID_PER_DEGREE), math.floor((lon + 180) * GRID_PER_DEGREE)
