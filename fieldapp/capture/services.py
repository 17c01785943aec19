"""Observation rules: creating, editing and listing; no Flask here, callers pass a session."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.areas.assign import assign_observation
from fieldapp.capture.models import Observation, Photo
from fieldapp.media.models import PhotoJob
from fieldapp.media.photos import CheckedUpload, Upload
from fieldapp.media.staging import stage_photos
from fieldapp.media.storage import Storage, raw_name
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.walks.models import Participant, Walk

EDITABLE_FIELDS = ("category", "safety", "severity", "text", "lat", "lon", "accuracy_m")


class WalkClosed(Exception):
    """The walk no longer accepts observations."""


# Built once: the capture form looks every key up (bench/submit.py).
_BY_CLIENT_KEY = select(Observation).where(Observation.client_key == bindparam("key"))


def find_by_client_key(session: Session, client_key: str | None) -> Observation | None:
    if not client_key:
        return None
    return session.scalar(_BY_CLIENT_KEY, {"key": client_key})


def _apply(observation: Observation, data: dict) -> None:
    if data["category"] not in CATEGORY_BY_CODE:
        raise ValueError(f"unknown category {data['category']!r}")
    for name in EDITABLE_FIELDS:
        setattr(observation, name, data.get(name))
    observation.text = (observation.text or "").strip()
    if observation.lat is None or observation.lon is None:
        observation.lat = observation.lon = observation.accuracy_m = None
        observation.location_source = None
    else:
        source = data.get("location_source")
        observation.location_source = source if source in ("gps", "map") else "map"
        if observation.location_source == "map":
            observation.accuracy_m = None  # a hand-placed pin has no GPS accuracy
    if "email_consent" in data:
        # Never keep an address the reporter did not agree to us using.
        email = (data.get("reporter_email") or "").strip()
        consent = bool(data["email_consent"]) and bool(email)
        observation.reporter_email = email if consent else None
        observation.email_consent = consent


def store_photos(session: Session, storage: Storage, photos: Iterable[Upload]) -> None:
    """Stage the files with the transaction: final names only once `session` commits.

    See fieldapp/media/staging.py: a failed commit removes them, a crash leaves only temp files
    that `flask clean-orphans` completes or removes; never a row pointing at a missing file.
    """
    stage_photos(session, storage, photos)


def photo_rows(existing: Iterable[Photo], photos: Iterable[Upload]) -> list[Photo]:
    """Unattached Photo rows for uploads, numbered after `existing` ones; shared by
    observations and the "after" photos staff add to an issue (fieldapp/triage/after_photos.py).

    A checked upload (queued processing) becomes a photo in state "processing" with its job.
    """
    start = max((p.position for p in existing), default=-1) + 1
    rows = []
    for offset, photo in enumerate(photos):
        if isinstance(photo, CheckedUpload):
            rows.append(_queued(photo, start + offset))
            continue
        rows.append(
            Photo(
                position=start + offset,
                digest=photo.digest,
                width=photo.width,
                height=photo.height,
                thumb_width=photo.thumb_width,
                thumb_height=photo.thumb_height,
                byte_size=len(photo.web),
                original_digest=photo.original_digest,
                blur_regions=[
                    {"x": x, "y": y, "w": w, "h": h, "by": "auto"} for x, y, w, h in photo.regions
                ],
            )
        )
    return rows


def _attach(observation: Observation, photos: Iterable[Upload]) -> None:
    observation.photos.extend(photo_rows(observation.photos, photos))


def _queued(upload: CheckedUpload, position: int) -> Photo:
    """A photo in state "processing" and its job, committed with the observation."""
    photo = Photo(
        position=position,
        status="processing",
        digest=upload.digest,
        width=upload.width,
        height=upload.height,
        thumb_width=upload.thumb_width,
        thumb_height=upload.thumb_height,
        byte_size=len(upload.data),
    )
    PhotoJob(photo=photo, raw_name=raw_name(upload.digest))  # the backref puts it on photo.job
    return photo


def create_observation(
    session: Session,
    storage: Storage,
    walk: Walk,
    participant: Participant | None,
    data: dict,
    photos: list[Upload],
    *,
    key_checked: bool = False,
) -> tuple[Observation, bool]:
    """Create an observation with its photos; returns (observation, created).

    A repeated client key returns the first observation unchanged (created=False), so a phone
    that resends after a lost response never makes a duplicate. `key_checked` says the caller
    answers a repeat itself, which saves a query on every submit: the capture form has looked
    the key up, the outbox API (capture/api_views.py) inserts and resolves a repeat from the
    unique constraint's IntegrityError. Either way a resend racing this one hits the constraint.

    :raise WalkClosed: the walk is closed.
    """
    if not key_checked:
        existing = find_by_client_key(session, data.get("client_key"))
        if existing is not None:
            return existing, False
    if not walk.accepts_observations:
        raise WalkClosed()
    observation = Observation(
        walk=walk, participant=participant, client_key=data.get("client_key") or None
    )
    _apply(observation, data)
    assign_observation(session, observation)
    store_photos(session, storage, photos)
    _attach(observation, photos)
    session.add(observation)
    session.flush()
    return observation, True


def update_observation(
    session: Session,
    storage: Storage,
    observation: Observation,
    data: dict,
    new_photos: list[Upload],
) -> Observation:
    """:raise WalkClosed: edits end when the walk is closed."""
    if not observation.walk.accepts_observations:
        raise WalkClosed()
    _apply(observation, data)
    assign_observation(session, observation)  # the pin may have moved
    store_photos(session, storage, new_photos)
    _attach(observation, new_photos)
    session.flush()
    return observation


def participant_observations(session: Session, participant: Participant) -> list[Observation]:
    return list(
        session.scalars(
            select(Observation)
            .where(Observation.participant_id == participant.id)
            .options(selectinload(Observation.photos))
            .order_by(Observation.created_at.desc(), Observation.id.desc())
        )
    )


def walk_observations_query(
    walk_id: int, category: str | None = None, role: str | None = None
) -> Select:
    """A walk's observations, newest first, optionally of one category or participant role;
    a walk behind a QR poster in a public square gathers thousands, so the page lists them a
    page at a time (walks/views.py)."""
    query = (
        select(Observation)
        .where(Observation.walk_id == walk_id)
        .options(selectinload(Observation.photos), selectinload(Observation.participant))
        .order_by(Observation.created_at.desc(), Observation.id.desc())
    )
    if category:
        query = query.where(Observation.category == category)
    if role:
        query = query.join(Participant, Observation.participant_id == Participant.id).where(
            Participant.role == role
        )
    return query


def observations_geojson(observations: Iterable[Observation], for_staff: bool) -> dict:
    """A GeoJSON FeatureCollection for the map; observations without a position are left out.

    Properties carry codes, not labels: the page translates them, so the JSON stays cacheable
    and language-neutral. Text is escaped by the map script, never inserted as HTML.
    """
    features = []
    for obs in observations:
        if not obs.has_position:
            continue
        props = {
            "id": obs.id,
            "category": obs.category,
            "safety": obs.safety,
            "severity": obs.severity,
            "text": obs.text[:280],
            "created_at": obs.created_at.isoformat(),
            "photos": len(obs.photos),
        }
        if for_staff and obs.participant is not None:
            props["role"] = obs.participant.role
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [obs.lon, obs.lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}
