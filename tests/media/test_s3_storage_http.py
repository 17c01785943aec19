"""Photos in an S3-compatible bucket (UPLOAD_BUCKET; a moto server on loopback), through the app:
a submission lands in the bucket and is served as from a directory, a failed or interrupted
commit is completed or cleaned up, retention deletes originals, and start-up checks boto3."""

from __future__ import annotations

import io
import sys
from datetime import timedelta
from email.utils import format_datetime

import pytest
from blur_fixtures import fetch, log_in, make_person, post_observation
from PIL import Image
from s3_fixtures import unreachable_storage
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from test_photo_staging import observation_with

from fieldapp import create_app
from fieldapp.capture.models import Observation, Photo
from fieldapp.config import from_environment
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.media.photos import process_photo
from fieldapp.media.s3_storage import S3Storage
from fieldapp.media.staging import stage_photos
from fieldapp.media.storage import LocalStorage, original_name, photo_names

# What a browser's cache and a proxy act on; both storages must send the same set.
SERVED_HEADERS = (
    "Content-Type",
    "Content-Length",
    "Cache-Control",
    "Content-Disposition",
    "X-Content-Type-Options",
    "ETag",
    "Last-Modified",
    "Accept-Ranges",
)


def jpeg(colour=(30, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def keys(storage: S3Storage) -> list[str]:
    """Every object in the bucket, temp ones included, with their full keys."""
    pages = storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", ()))


def renditions(photo) -> list[str]:
    return sorted([*photo_names(photo.digest), original_name(photo.original_digest)])


def send_photo(client, walk) -> Photo:
    resp = post_observation(client, walk, [(jpeg(), "IMG_0001.JPG")])
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.rollback()
    (photo,) = db.session.scalars(select(Photo))
    return photo


def conditional_answers(client, url: str) -> dict:
    """The headers of a first fetch, and the status of each way a browser revalidates."""
    first = fetch(client, url)
    assert first.status_code == 200, first.status_code
    etag = first.headers["ETag"]
    later = format_datetime(first.last_modified + timedelta(hours=1), usegmt=True)
    with client.get(url, headers={"Range": "bytes=0-9"}) as part:
        ranged = (part.status_code, len(part.get_data()))
    with client.get(url, headers={"If-None-Match": etag}) as unchanged:
        not_modified = {
            "headers": sorted(unchanged.headers.keys()),
            "etag": unchanged.headers.get("ETag"),
            "body": unchanged.get_data(),
        }
    return {
        "body": first.data,
        "headers": {h: first.headers.get(h) for h in SERVED_HEADERS},
        "not_modified": not_modified,
        "if_none_match": fetch_status(client, url, {"If-None-Match": etag}),
        "if_modified_since": fetch_status(client, url, {"If-Modified-Since": later}),
        "stale_etag": fetch_status(client, url, {"If-None-Match": '"not-it"'}),
        "range": ranged,
    }


def fetch_status(client, url: str, headers: dict) -> int:
    with client.get(url, headers=headers) as resp:
        resp.get_data()
        return resp.status_code


def test_a_sent_photo_lands_in_the_bucket_and_is_served_like_one_from_a_directory(
    client, participant, bucket_app, kit, tmp_path, monkeypatch
) -> None:
    kit.english(client)
    app, storage = bucket_app
    photo = send_photo(client, participant)
    # Final keys under the prefix, nothing staged left over, nothing on the local disk.
    assert keys(storage) == [f"fieldapp/photos/{n}" for n in renditions(photo)]
    assert not LocalStorage(app.config["UPLOAD_DIR"]).exists(photo_names(photo.digest)[0])

    url = f"/photos/{photo.id}/web.jpg"
    from_bucket = conditional_answers(client, url)
    assert from_bucket["body"] == storage.read(photo_names(photo.digest)[0])

    # The same photo from a directory, as a LocalStorage install serves it.
    local = LocalStorage(tmp_path / "uploads")
    for name in storage.names():
        local.save(name, storage.read(name))
    monkeypatch.setitem(app.config, "UPLOAD_BUCKET", "")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(local.root))
    app.extensions.pop("fieldapp_storage", None)
    from_directory = conditional_answers(client, url)

    assert from_bucket["body"] == from_directory["body"]
    for header in SERVED_HEADERS:
        assert from_bucket["headers"][header], header
        if header not in ("ETag", "Last-Modified"):  # each storage's own tag and time
            assert from_bucket["headers"][header] == from_directory["headers"][header], header
    assert from_bucket["headers"]["Cache-Control"] == "private, no-cache"
    for answers in (from_bucket, from_directory):
        assert answers["if_none_match"] == answers["if_modified_since"] == 304
        assert answers["stale_etag"] == 200
        assert answers["range"] == (206, 10)
    # A 304 says the same either way, and keeps the tag the browser holds.
    assert from_bucket["not_modified"]["headers"] == from_directory["not_modified"]["headers"]
    assert from_bucket["not_modified"]["etag"] == from_bucket["headers"]["ETag"]
    assert from_bucket["not_modified"]["body"] == from_directory["not_modified"]["body"] == b""


def test_revalidating_a_bucket_photo_does_not_download_it(
    client, participant, bucket_app, kit
) -> None:
    """Every page view revalidates its photos (no-cache): a copy that is still current costs
    one conditional GET that the bucket answers 304, with no body; a stale one, a plain GET
    and a range request still get the photo."""
    kit.english(client)
    _app, storage = bucket_app
    photo = send_photo(client, participant)
    url = f"/photos/{photo.id}/web.jpg"
    stored = storage.read(photo_names(photo.digest)[0])
    calls = []

    def record(http_response, model, **_kwargs) -> None:
        calls.append((model.name, http_response.status_code))

    def requests_for(headers: dict) -> tuple[int, bytes, list]:
        calls.clear()
        with client.get(url, headers=headers) as resp:
            return resp.status_code, resp.get_data(), list(calls)

    storage.client.meta.events.register("after-call.s3", record)
    try:
        status, body, made = requests_for({})
        assert (status, body, made) == (200, stored, [("GetObject", 200)])
        first = fetch(client, url)
        later = format_datetime(first.last_modified + timedelta(hours=1), usegmt=True)
        earlier = format_datetime(first.last_modified - timedelta(hours=1), usegmt=True)
        etag = first.headers["ETag"]

        for current in (
            {"If-None-Match": etag},
            {"If-None-Match": f"W/{etag}"},
            {"If-Modified-Since": later},
            # What a browser sends: the tag decides, even with an older date.
            {"If-None-Match": etag, "If-Modified-Since": earlier},
        ):
            assert requests_for(current) == (304, b"", [("GetObject", 304)]), current

        for stale in (
            {"If-None-Match": '"not-it"'},
            {"If-Modified-Since": earlier},
            {"If-None-Match": '"not-it"', "If-Modified-Since": later},
        ):
            assert requests_for(stale) == (200, stored, [("GetObject", 200)]), stale

        status, body, made = requests_for({"Range": "bytes=10-19"})
        assert (status, body, made) == (206, stored[10:20], [("GetObject", 200)])
    finally:
        storage.client.meta.events.unregister("after-call.s3", record)


def test_who_may_see_a_photo_does_not_depend_on_the_storage(
    client, participant, bucket_app, kit, new_browser
) -> None:
    kit.english(client)
    photo = send_photo(client, participant)
    stranger = new_browser()
    for variant in ("web", "thumb", "original"):
        assert fetch(stranger, f"/photos/{photo.id}/{variant}.jpg").status_code == 404
    coordinator = log_in(new_browser(), make_person("coordinator", "k@aalborg.dk"))
    assert fetch(coordinator, f"/photos/{photo.id}/original.jpg").status_code == 200
    # A row whose object is missing (a restore without the bucket): a 404, not a 500.
    _app, storage = bucket_app
    storage.delete(photo_names(photo.digest)[1])
    assert fetch(coordinator, f"/photos/{photo.id}/thumb.jpg").status_code == 404


def test_a_bucket_that_cannot_be_reached_answers_503_and_keeps_nothing_half_done(
    client, participant, bucket_app, kit, new_browser
) -> None:
    """Network, credentials or an outage at the bucket: "try again" (503 with Retry-After), in
    HTML and in the outbox's JSON (which keeps the observation on the phone), never a 500."""
    kit.english(client)
    photo = send_photo(client, participant)
    app, storage = bucket_app
    app.extensions["fieldapp_storage"] = unreachable_storage(storage.bucket)

    coordinator = log_in(new_browser(), make_person("coordinator", "k@aalborg.dk"))
    resp = fetch(coordinator, f"/photos/{photo.id}/web.jpg")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "60"
    assert "Photos cannot be stored or shown at the moment" in resp.get_data(as_text=True)

    resp = client.post(
        f"/w/{participant.join_token}/api/observations",
        data={
            "client_key": "bucket-down-1",
            "category": "lighting",
            "text": "Lampen er slukket",
            "photos": [(io.BytesIO(jpeg((200, 40, 40))), "IMG_0002.JPG")],
        },
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 503 and resp.get_json()["status"] == 503
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1  # the first


def test_a_failed_commit_leaves_no_object_in_the_bucket(bucket_app) -> None:
    _app, storage = bucket_app
    photo = process_photo(jpeg(), max_bytes=10**7)
    db.session.add(observation_with(photo, client_key="same-key-0001"))
    db.session.commit()  # no photos staged: the bucket stays empty
    db.session.add(observation_with(photo, client_key="same-key-0001"))
    stage_photos(db.session, storage, [photo])
    assert len(list(storage.temp_files())) == 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert keys(storage) == []


def test_clean_orphans_completes_a_commit_the_crash_interrupted_and_removes_the_rest(
    bucket_app, runner, monkeypatch
) -> None:
    _app, storage = bucket_app
    photo = process_photo(jpeg(), max_bytes=10**7)
    db.session.add(observation_with(photo))
    stage_photos(db.session, storage, [photo])
    # The process dies between the commit and the promotes: only temp objects are left.
    monkeypatch.setattr(storage, "promote", lambda staged: None)
    db.session.commit()
    monkeypatch.undo()
    assert list(storage.names()) == []
    # An upload that never committed, and a final object no row refers to.
    storage.stage("cd/" + "cd" * 32 + ".jpg", b"never committed")
    storage.save("ef/" + "ef" * 32 + "_t.jpg", b"of a deleted photo")
    storage.client.put_object(Bucket=storage.bucket, Key="fieldapp/photos/README", Body=b"x")

    dry = runner.invoke(args=["clean-orphans", "--dry-run"])
    assert "3 committed uploads would be completed" in dry.output, dry.output
    assert "1 recent temp files kept" in dry.output
    assert len(keys(storage)) == 6

    result = runner.invoke(args=["clean-orphans", "--temp-age", "0"])
    assert result.exit_code == 0, result.output
    assert "3 committed uploads completed" in result.output, result.output
    assert "1 abandoned temp files removed" in result.output
    assert "1 unreferenced files removed" in result.output
    assert keys(storage) == sorted(
        ["fieldapp/photos/README", *(f"fieldapp/photos/{n}" for n in renditions(photo))]
    )
    assert storage.read(photo_names(photo.digest)[0]) == photo.web


def test_purge_originals_deletes_them_from_the_bucket(
    client, participant, bucket_app, kit, runner
) -> None:
    kit.english(client)
    _app, storage = bucket_app
    photo = send_photo(client, participant)
    web, thumb = photo_names(photo.digest)
    assert storage.exists(original_name(photo.original_digest))
    photo.created_at = utcnow() - timedelta(days=91)
    db.session.commit()
    result = runner.invoke(args=["purge-originals"])
    assert result.exit_code == 0, result.output
    assert "1 originals older than 90 days deleted" in result.output
    assert sorted(storage.names()) == sorted([web, thumb])


def test_the_photo_worker_reads_and_writes_the_bucket(
    client, participant, bucket_app, kit, runner, monkeypatch
) -> None:
    app, storage = bucket_app
    monkeypatch.setitem(app.config, "PHOTO_PROCESSING", "queue")
    kit.english(client)
    photo = send_photo(client, participant)
    assert photo.status == "processing"
    (raw,) = storage.names()
    assert raw.endswith("_r.raw")
    result = runner.invoke(args=["process-photos"])
    assert "1 photos ready" in result.output, result.output
    db.session.expire_all()
    photo = db.session.get(Photo, photo.id)
    assert sorted(storage.names()) == renditions(photo)  # the raw upload is gone


def test_bucket_settings_come_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("UPLOAD_BUCKET", "fieldapp-photos")
    monkeypatch.setenv("UPLOAD_BUCKET_PREFIX", "aalborg")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("S3_REGION", "eu-north-1")
    monkeypatch.setenv("SECRET_KEY", "x")
    config = from_environment(tmp_path)
    assert (config["UPLOAD_BUCKET"], config["UPLOAD_BUCKET_PREFIX"]) == (
        "fieldapp-photos",
        "aalborg",
    )
    assert (config["S3_ENDPOINT_URL"], config["S3_REGION"]) == (
        "http://127.0.0.1:9000",
        "eu-north-1",
    )
    monkeypatch.delenv("UPLOAD_BUCKET")
    assert from_environment(tmp_path)["UPLOAD_BUCKET"] == ""


def test_a_bucket_without_boto3_stops_the_start_not_the_first_upload(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    with pytest.raises(RuntimeError, match=r"UPLOAD_BUCKET is set but boto3 is not installed"):
        create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                "UPLOAD_BUCKET": "fieldapp-photos",
            }
        )
    # Without a bucket the same machine starts with its upload directory.
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'y.sqlite'}"}
    )
    assert app.config["UPLOAD_BUCKET"] == ""
