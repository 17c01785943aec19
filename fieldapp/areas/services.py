"""Areas as GeoJSON polygons: validation on the way in, point lookup on the way out.

Plain functions on a session; shapely does the geometry, a bounding-box query in SQL keeps the
number of polygons it has to test small. Error messages are English message ids with named
placeholders (translated by the view), so this module stays free of Flask.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from shapely import force_2d, is_valid_reason
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.taxonomy import N_

# A neighbourhood outline drawn by hand is a few kB; a municipality border from a GIS export
# can be a few hundred. Anything bigger is almost certainly the wrong file.
MAX_GEOJSON_CHARS = 2_000_000
MAX_NAME_LENGTH = 200


class AreaError(ValueError):
    """Bad area input; `message` is an English msgid, `params` fills its placeholders and
    `field` says which input it concerns ("geojson" or "name")."""

    def __init__(self, message: str, field: str = "geojson", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


@dataclass(frozen=True)
class ParsedArea:
    """A validated polygon: normalised GeoJSON geometry text, its bounding box and a name hint."""

    geometry: str
    south: float
    west: float
    north: float
    east: float
    name_hint: str = ""
    shape: BaseGeometry | None = field(default=None, compare=False, repr=False)


def _loads(text: str) -> object:
    if not text or not text.strip():
        raise AreaError(N_("Paste GeoJSON or choose a .geojson file."))
    if len(text) > MAX_GEOJSON_CHARS:
        raise AreaError(
            N_("The GeoJSON is too large (over %(limit)d characters). Simplify the outline."),
            limit=MAX_GEOJSON_CHARS,
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        if line is not None:
            raise AreaError(
                N_("This is not valid JSON (error on line %(line)d)."), line=line
            ) from exc
        raise AreaError(N_("This is not valid JSON.")) from exc


def _unwrap(data: object) -> tuple[dict, str]:
    """The geometry object inside a Feature or a one-feature FeatureCollection, and its name."""
    if not isinstance(data, dict) or "type" not in data:
        raise AreaError(N_('This is JSON, but not GeoJSON: it has no "type".'))
    kind = data["type"]
    name = ""
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            count = len(features) if isinstance(features, list) else 0
            raise AreaError(
                N_("The FeatureCollection holds %(count)d features; an area needs exactly one."),
                count=count,
            )
        data = features[0]
        kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        props = data.get("properties")
        if isinstance(props, dict) and isinstance(props.get("name"), str):
            name = props["name"].strip()[:MAX_NAME_LENGTH]
        data = data.get("geometry")
        if not isinstance(data, dict):
            raise AreaError(N_("The feature has no geometry."))
        kind = data.get("type")
    if not isinstance(kind, str):
        raise AreaError(N_('This is JSON, but not GeoJSON: it has no "type".'))
    if kind not in ("Polygon", "MultiPolygon"):
        raise AreaError(
            N_("The geometry is a %(kind)s; an area must be a Polygon or MultiPolygon."),
            kind=kind[:40],
        )
    return data, name


def _check_positions(coords: object, depth: int) -> None:
    """Walk the nested coordinate arrays: `depth` list levels above each [lon, lat] pair."""
    if depth == 0:
        if (
            not isinstance(coords, list)
            or len(coords) not in (2, 3)
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in coords
            )
        ):
            raise AreaError(N_("A position must be [longitude, latitude] in numbers."))
        lon, lat = coords[0], coords[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise AreaError(
                N_(
                    "The position %(lon)s, %(lat)s is out of range. GeoJSON wants longitude "
                    "first (-180 to 180), then latitude (-90 to 90)."
                ),
                lon=lon,
                lat=lat,
            )
        return
    if not isinstance(coords, list) or not coords:
        raise AreaError(N_("The coordinates are empty or not nested as a polygon's are."))
    for item in coords:
        _check_positions(item, depth - 1)


_WHERE = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]")


def _check_valid(geom: BaseGeometry) -> None:
    # A flat outline (all corners on one line) is "invalid" to GEOS too; say what it means.
    if geom.is_empty or geom.convex_hull.area == 0:
        raise AreaError(
            N_("The outline has no area: it needs at least three corners not on one line.")
        )
    reason = is_valid_reason(geom)
    if reason == "Valid Geometry":
        return
    where = _WHERE.search(reason)
    try:
        position = f"{float(where[1]):.6f}, {float(where[2]):.6f}" if where else "?"
    except ValueError:  # GEOS wording is not an API; never fail on it
        position = "?"
    if "Self-intersection" in reason:
        raise AreaError(
            N_("The outline crosses itself near %(position)s (longitude, latitude)."),
            position=position,
        )
    raise AreaError(N_("The polygon is not valid: %(reason)s."), reason=reason)


def parse_area_geojson(text: str) -> ParsedArea:
    """Validate pasted or uploaded GeoJSON and normalise it to a bare 2D geometry.

    Accepts a Polygon, a MultiPolygon, or a Feature / one-feature FeatureCollection holding one.
    :raise AreaError: not JSON, not a polygon, positions out of range, a self-crossing outline.
    """
    geometry, name = _unwrap(_loads(text))
    depth = 3 if geometry["type"] == "Polygon" else 4
    _check_positions(geometry.get("coordinates"), depth - 1)
    try:
        geom = force_2d(shape(geometry))
    except (ValueError, TypeError, AttributeError) as exc:
        # shapely refuses rings of fewer than four positions and similar shape errors.
        raise AreaError(
            N_("The coordinates do not form a polygon: %(reason)s."), reason=str(exc)
        ) from exc
    _check_valid(geom)
    west, south, east, north = geom.bounds
    normalised = json.dumps(geom.__geo_interface__, separators=(",", ":"))
    return ParsedArea(normalised, south, west, north, east, name, geom)


@lru_cache(maxsize=256)
def _shape_of(geometry: str) -> BaseGeometry:
    # Geometries are immutable text, so parsing each one once per process is safe.
    return shape(json.loads(geometry))


def area_shape(area: Area) -> BaseGeometry:
    return _shape_of(area.geometry)


def create_area(session: Session, name: str, geojson_text: str) -> Area:
    """:raise AreaError: invalid GeoJSON, no name, or the name is taken."""
    parsed = parse_area_geojson(geojson_text)
    area = Area(
        name=_checked_name(session, name, parsed, None),
        geometry=parsed.geometry,
        south=parsed.south,
        west=parsed.west,
        north=parsed.north,
        east=parsed.east,
    )
    session.add(area)
    session.flush()
    return area


def _checked_name(
    session: Session, name: str | None, parsed: ParsedArea, area_id: int | None
) -> str:
    """The name typed (else the feature's), if given, short enough and not another area's.

    :raise AreaError: on the "name" field.
    """
    name = (name or "").strip() or parsed.name_hint
    if not name:
        raise AreaError(N_("Give the area a name."), "name")
    if len(name) > MAX_NAME_LENGTH:
        raise AreaError(
            N_("The name is too long (at most %(limit)d characters)."),
            "name",
            limit=MAX_NAME_LENGTH,
        )
    taken = select(Area.id).where(func.lower(Area.name) == name.lower())
    if area_id is not None:
        taken = taken.where(Area.id != area_id)
    if session.scalar(taken) is not None:
        raise AreaError(N_("An area called “%(name)s” already exists."), "name", name=name)
    return name


def delete_area(session: Session, area: Area) -> None:
    """Remove an area with what ON DELETE CASCADE says goes with it (routing rules, success
    criteria), and unlink the rest (walks, observations, issues, groups, meetings ...).

    Done here as well as by ON DELETE, so the session's own cascades (criterion values) run and
    its flush listeners (the dashboards' summaries) see each change. Every foreign key to the
    area is found from the mapped tables, so a new one is not forgotten.
    """
    for mapper in Area.registry.mappers:
        model = mapper.class_
        table = mapper.local_table
        for fk in table.foreign_keys:
            if fk.column.table is not Area.__table__ or model is Area:
                continue
            column = getattr(model, mapper.get_property_by_column(fk.parent).key)
            if fk.ondelete == "CASCADE":
                # Through the ORM, so the rows' own cascades (e.g. criterion values) run too.
                for row in session.scalars(select(model).where(column == area.id)):
                    session.delete(row)
            else:
                session.execute(update(model).where(column == area.id).values({column.key: None}))
    session.delete(area)
    session.flush()


def list_areas(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).order_by(func.lower(Area.name))))


def areas_containing(session: Session, lat: float, lon: float) -> list[Area]:
    """Every area whose polygon covers the point (edge included), smallest first."""
    candidates = session.scalars(
        select(Area).where(Area.south <= lat, Area.north >= lat, Area.west <= lon, Area.east >= lon)
    )
    point = Point(lon, lat)
    hits = [a for a in candidates if area_shape(a).covers(point)]
    # Degrees² is not m², but at one city's latitude it orders areas by size just the same.
    return sorted(hits, key=lambda a: (area_shape(a).area, a.id))


def area_containing(session: Session, lat: float, lon: float) -> Area | None:
    """The smallest area that covers the point, so a square inside a district wins."""
    hits = areas_containing(session, lat, lon)
    return hits[0] if hits else None


def update_area(session: Session, area: Area, name: str | None, geojson_text: str) -> bool:
    """Rename and/or redraw an area; returns whether the outline changed.

    :raise AreaError: invalid GeoJSON, no name, or another area has the name.
    """
    parsed = parse_area_geojson(geojson_text)
    area.name = _checked_name(session, name, parsed, area.id)
    redrawn = parsed.geometry != area.geometry
    if redrawn:
        area.geometry = parsed.geometry
        area.south, area.west = parsed.south, parsed.west
        area.north, area.east = parsed.north, parsed.east
    session.flush()
    return redrawn


def area_box(area: Area) -> tuple[float, float, float, float]:
    """(south, west, north, east): what the bulk re-assignment limits itself to."""
    return (area.south, area.west, area.north, area.east)


def areas_geojson(areas: list[Area]) -> dict:
    """A FeatureCollection of the areas' outlines with id and name, for the overview map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": area.id,
                "properties": {"id": area.id, "name": area.name},
                "geometry": json.loads(area.geometry),
            }
            for area in areas
        ],
    }
