"""A walk with its whole follow-up story, for the report tests (a plain module, not a conftest).

Participants and reporters carry names, e-mail addresses and a phone number in their own
words, so every test can check that none of it reaches the report.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from fieldapp.areas.services import create_area
from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.media.photos import process_photo
from fieldapp.media.storage import photo_names
from fieldapp.media.views import get_storage
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor, change_status
from fieldapp.walks.models import Participant, Walk

__all__ = ["story"]  # the fixtures; helpers are imported by name

COORDINATOR = Actor(user_id=None, coordinates=True)
WALK_DAY = datetime(2026, 10, 6, 17, 0, tzinfo=UTC)

# What must never appear in a report.
PRIVATE = (
    "Karen Jensen",
    "Ole Hansen",
    "Mads Hemmelig",
    "karen@example.dk",
    "ole@example.org",
    "reporter@example.dk",
    "anden@example.dk",
    "22 33 44 55",
)
LOVVANGEN = (
    '{"type": "Polygon", "coordinates": [[[9.9070, 57.0665], [9.9140, 57.0665], '
    "[9.9140, 57.0710], [9.9070, 57.0710], [9.9070, 57.0665]]]}"
)


@dataclass
class Story:
    walk: Walk
    participants: list[Participant]
    photo: Photo
    resolved: object
    in_progress: object
    rejected: object
    administration: Administration


def jpeg(colour=(40, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def add_photo(observation: Observation, colour=(40, 120, 200)) -> Photo:
    processed = process_photo(jpeg(colour))
    web, thumb = photo_names(processed.digest)
    storage = get_storage()
    storage.save(web, processed.web)
    storage.save(thumb, processed.thumb)
    photo = Photo(
        digest=processed.digest,
        width=processed.width,
        height=processed.height,
        thumb_width=processed.thumb_width,
        thumb_height=processed.thumb_height,
        byte_size=len(processed.web),
        blur_regions=[],  # went through the blurring pipeline; nothing found to blur
    )
    observation.photos.append(photo)
    return photo


def build_story(status: str = "closed") -> Story:
    area = create_area(db.session, "Løvvangen", LOVVANGEN)
    admin = Administration(
        name="By- og Landskabsforvaltningen", short_name="BLF", emails="park@aalborg.example.dk"
    )
    db.session.add(admin)
    walk = Walk(
        title="Tryghedsvandring i Løvvangen",
        place_name="Løvvangen, Nørresundby",
        starts_at=WALK_DAY,
        meeting_lat=57.0690,
        meeting_lon=9.9100,
        status=status,
        area_id=area.id,
    )
    people = [
        Participant(
            walk=walk,
            role="resident",
            display_name="Karen Jensen",
            email="karen@example.dk",
            email_consent=True,
            locale="da",
        ),
        Participant(
            walk=walk,
            role="housing",
            display_name="Ole Hansen",
            email="ole@example.org",
            email_consent=True,
            locale="en",
        ),
        Participant(walk=walk, role="resident", display_name="Mads Hemmelig"),
    ]
    db.session.add_all([walk, *people])

    def obs(category, who, text, lat, lon, address="", **extra):
        o = Observation(
            walk=walk,
            participant=people[who],
            category=category,
            text=text,
            lat=lat,
            lon=lon,
            address=address,
            created_at=WALK_DAY + timedelta(minutes=10),
            **extra,
        )
        db.session.add(o)
        return o

    dark = obs(
        "lighting",
        0,
        "Helt mørkt. Ring til mig på 22 33 44 55.",
        57.0690,
        9.9090,
        "Løvvangsvej 10",
        reporter_email="reporter@example.dk",
        email_consent=True,
    )
    photo = add_photo(dark)
    bins = obs(
        "waste",
        1,
        "Containerne flyder over.",
        57.0700,
        9.9120,
        reporter_email="anden@example.dk",
        email_consent=False,
    )
    graffiti = obs("vandalism", 2, "Graffiti på gavlen, Mads Hemmelig så det.", 57.0675, 9.9080)
    obs("benches", 2, "Bænken er væk.", 57.0695, 9.9130)
    db.session.flush()

    def issue(o, title, category):
        return create_issue(
            db.session,
            [o],
            COORDINATOR,
            title=title,
            description="",
            category=category,
            priority="normal",
        )

    resolved = issue(dark, "Mørk sti ved blok 4", "lighting")
    in_progress = issue(bins, "Overfyldte containere", "waste")
    rejected = issue(graffiti, "Graffiti på privat gavl", "vandalism")
    at = WALK_DAY + timedelta(days=2)
    for i in (resolved, in_progress):
        change_status(
            db.session,
            i,
            COORDINATOR,
            "forwarded",
            administration_id=admin.id,
            public_comment="Sendt til Park og Vej.",
            now=at,
        )
    change_status(
        db.session,
        resolved,
        COORDINATOR,
        "resolved",
        public_comment="Lamperne er skiftet.",
        now=at + timedelta(days=5),
    )
    change_status(
        db.session,
        in_progress,
        COORDINATOR,
        "in_progress",
        public_comment="Tømmes nu to gange om ugen.",
        now=at + timedelta(days=3),
    )
    change_status(
        db.session,
        rejected,
        COORDINATOR,
        "rejected",
        public_comment="Gavlen er privat; ejeren har fået besked.",
        now=at,
    )
    db.session.add(
        ActionItem(
            description="Nye affaldsstativer ved blok 6",
            issue_id=in_progress.id,
            area_id=area.id,
            administration_id=admin.id,
            deadline=date(2027, 3, 31),
            status="open",
        )
    )
    db.session.commit()
    return Story(walk, people, photo, resolved, in_progress, rejected, admin)


@pytest.fixture
def story(app) -> Story:
    return build_story()


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it (pdftotext from poppler-utils)."""
    import shutil
    import subprocess

    assert data.startswith(b"%PDF"), data[:20]
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: apt-get install -y poppler-utils"
    done = subprocess.run(  # noqa: S603  (a fixed tool on our own PDF)
        [tool, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def photo_status(client, photo_id: int) -> int:
    """The status of a photo's staff URL (the file response is closed, not leaked)."""
    return url_status(client, f"/photos/{photo_id}/web.jpg")


def url_status(client, url: str) -> int:
    resp = client.get(url)
    resp.close()
    return resp.status_code


def public_photo_links(html: str) -> list[str]:
    """The signed links to blurred renditions on a public page."""
    return re.findall(r'src="(/photos/p/[^"]+)"', html)
