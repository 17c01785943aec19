"""The walk page's map: a walk's positioned observations as compact GeoJSON, newest first and
capped.

The page lists observations a page at a time, but its map asked for all of them, built as ORM
objects with their photos and participants (1,351 on the benchmark's busiest walk; a walk
behind a QR poster gathers far more). Here one column query reads what a map point shows,
counts photos in SQL and stops at MAP_LIMIT; the response says how many match in all, so the
page can say it shows only the newest.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation, Photo
from fieldapp.walks.models import Participant

# Points a browser clusters without strain on a phone; newer ones matter most to a walk.
MAP_LIMIT = 5000
TEXT_CHARS = 280  # a popup shows a snippet; the list below the map has the whole text


def _filtered(query, walk_id: int, category: str | None, role: str | None):
    query = query.where(
        Observation.walk_id == walk_id, Observation.lat.is_not(None), Observation.lon.is_not(None)
    )
    if category:
        query = query.where(Observation.category == category)
    if role:
        query = query.where(Participant.role == role)
    return query


def walk_map_geojson(
    session: Session,
    walk_id: int,
    category: str | None = None,
    role: str | None = None,
    limit: int | None = None,
) -> dict:
    """A FeatureCollection of the newest `limit` positioned observations of the walk (of one
    category / participant role), with foreign members `total` (how many match) and `limit`
    (MAP_LIMIT unless given).

    Properties as capture.services.observations_geojson gives staff: codes, not labels; the
    text is data that obsmap.js puts in with textContent, never as HTML.
    """
    limit = limit or MAP_LIMIT
    photos = (
        select(func.count(Photo.id))
        .where(Photo.observation_id == Observation.id)
        .correlate(Observation)
        .scalar_subquery()
    )
    rows = session.execute(
        _filtered(
            select(
                Observation.id,
                Observation.category,
                Observation.safety,
                Observation.severity,
                func.substr(Observation.text, 1, TEXT_CHARS).label("text"),
                Observation.created_at,
                Observation.lat,
                Observation.lon,
                Participant.role,
                photos.label("photos"),
            ).outerjoin(Participant, Observation.participant_id == Participant.id),
            walk_id,
            category,
            role,
        )
        .order_by(Observation.created_at.desc(), Observation.id.desc())
        .limit(limit)
    ).all()
    total = len(rows)
    if total == limit:  # maybe more: count them (the walk's index, no rows built)
        count = select(func.count()).select_from(Observation)
        if role:
            count = count.join(Participant, Observation.participant_id == Participant.id)
        total = session.scalar(_filtered(count, walk_id, category, role)) or 0
    features = []
    for row in rows:
        props = {
            "id": row.id,
            "category": row.category,
            "safety": row.safety,
            "severity": row.severity,
            "text": row.text or "",
            "created_at": row.created_at.isoformat(),
            "photos": row.photos,
        }
        if row.role is not None:
            props["role"] = row.role
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features, "total": total, "limit": limit}
