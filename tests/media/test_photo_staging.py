"""Photo files follow their transaction: final on commit, gone on rollback; orphans cleaned."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.exc import IntegrityError

from fieldapp.capture.models import Observation, Photo
from fieldapp.extensions import db
from fieldapp.media.orphans import clean_orphans
from fieldapp.media.photos import process_photo
from fieldapp.media.staging import stage_photos
from fieldapp.media.storage import LocalStorage, original_name, photo_names


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def photo():
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(buf, "JPEG")
    return process_photo(buf.getvalue(), max_bytes=10**7)


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def observation_with(photo, **fields) -> Observation:
    obs = Observation(category="lighting", **fields)
    obs.photos.append(
        Photo(
            digest=photo.digest,
            original_digest=photo.original_digest,
            width=photo.width,
            height=photo.height,
            thumb_width=photo.thumb_width,
            thumb_height=photo.thumb_height,
            byte_size=len(photo.web),
        )
    )
    return obs


def test_commit_renames_the_staged_files_to_their_final_names(app, storage, photo) -> None:
    db.session.add(observation_with(photo))
    stage_photos(db.session, storage, [photo])
    staged = files(storage.root)
    assert len(staged) == 3 and all(Path(n).name.startswith(".tmp-") for n in staged)
    db.session.commit()
    assert files(storage.root) == sorted(
        [*photo_names(photo.digest), original_name(photo.original_digest)]
    )
    assert storage.path(photo_names(photo.digest)[0]).read_bytes() == photo.web


def test_a_failed_commit_removes_the_staged_files(app, storage, photo) -> None:
    db.session.add(observation_with(photo, client_key="same-key-0001"))
    db.session.commit()
    db.session.add(observation_with(photo, client_key="same-key-0001"))
    stage_photos(db.session, storage, [photo])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert files(storage.root) == []


def test_rollback_removes_the_staged_files(app, storage, photo) -> None:
    db.session.add(observation_with(photo))
    stage_photos(db.session, storage, [photo])
    db.session.rollback()
    assert files(storage.root) == []


def test_clean_orphans_dry_run_counts_and_foreign_files_stay(app, storage, photo) -> None:
    storage.save("ab/" + "ab" * 32 + ".jpg", b"orphan")
    storage.root.joinpath("README.txt").write_text("not a photo")
    abandoned = storage.stage("cd/" + "cd" * 32 + ".jpg", b"never committed")
    old = time.time() - 7200
    os.utime(abandoned, (old, old))
    fresh = storage.stage("ef/" + "ef" * 32 + ".jpg", b"still uploading")
    dry = clean_orphans(db.session, storage, dry_run=True)
    assert (dry.final_removed, dry.temp_removed, dry.temp_kept) == (1, 1, 1)
    assert len(files(storage.root)) == 4
    report = clean_orphans(db.session, storage, temp_age=timedelta(hours=1))
    assert (report.final_removed, report.temp_removed) == (1, 1)
    assert not abandoned.exists() and fresh.exists()
    assert (storage.root / "README.txt").exists()
