""" "After" photos: what the people working an issue show of the work done.

Staff add them to the issue itself (not as an observation, which would count as a new finding
in every statistic), through the same pipeline as capture: processed and blurred by
fieldapp/capture/uploads.py, files staged with the transaction by fieldapp/media/staging.py.
Public pages pair them with the reporters' photos as before/after, blurred renditions only,
never the hidden ones. Plain functions on a session (no Flask).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from fieldapp.capture.models import Observation, Photo
from fieldapp.capture.services import photo_rows, store_photos
from fieldapp.capture.uploads import Upload
from fieldapp.media.storage import Storage
from fieldapp.triage.models import Issue, IssueEvent


def add_after_photos(
    session: Session,
    storage: Storage,
    issue: Issue,
    photos: Sequence[Upload],
    user_id: int | None,
) -> list[Photo]:
    """Attach the photos to `issue` and note it in the audit trail; the caller commits."""
    store_photos(session, storage, photos)
    rows = photo_rows(issue.after_photos, photos)
    for row in rows:
        row.added_by_id = user_id
        issue.after_photos.append(row)
    issue.events.append(IssueEvent(kind="photos", user_id=user_id))
    session.flush()
    return rows


def public_after_photos(issue: Issue) -> list[Photo]:
    """The issue's after photos that may be shown beyond triage (blurred, not hidden)."""
    return [p for p in issue.after_photos if p.is_public]


def public_before_photos(observations: Sequence[Observation]) -> list[Photo]:
    """The reporters' photos that may be shown beyond triage, in the order taken."""
    return [p for obs in observations for p in obs.photos if p.is_public]
