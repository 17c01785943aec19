"""Records as a GeoJSON FeatureCollection, written feature by feature (no list in memory)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def geojson_chunks(records: Iterable[dict]) -> Iterator[str]:
    """Features for records with a position; lat/lon go into the geometry, the rest into
    properties."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for record in records:
        lat, lon = record.get("lat"), record.get("lon")
        if lat is None or lon is None:
            continue
        props = {k: _plain(v) for k, v in record.items() if k not in ("lat", "lon")}
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props,
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"
