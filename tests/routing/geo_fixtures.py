"""Polygons around Løvvangen (Nørresundby) for the area and routing tests, lon/lat order."""

from __future__ import annotations

import json


def square(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


# The estate, and one courtyard inside it.
LOVVANGEN = square(9.905, 57.066, 9.915, 57.072)
COURTYARD = square(9.908, 57.068, 9.911, 57.070)
# Midtbyen, away from Løvvangen.
MIDTBYEN = square(9.915, 57.040, 9.935, 57.050)

INSIDE_COURTYARD = (57.069, 9.909)  # lat, lon
INSIDE_LOVVANGEN_ONLY = (57.067, 9.906)
OUTSIDE_ALL = (57.100, 9.800)


def text(geometry: dict) -> str:
    return json.dumps(geometry)
