"""Photos processed off the request path: PHOTO_PROCESSING = "queue", as in production.

The request checks the upload and stores it raw; `process-photos` (or the `worker`) makes the
blurred renditions later. Until then nobody gets the raw file, and pages show a placeholder.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from blur_fixtures import (
    FACE,
    astronaut_jpeg,
    crop,
    detail,
    fetch,
    log_in,
    make_person,
    pixels,
    post_observation,
    post_open311_photo,
)
from PIL import Image
from sqlalchemy import func, select

from fieldapp.capture.models import Observation, Photo
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.media import jobs
from fieldapp.media.models import PhotoJob
from fieldapp.media.storage import original_name, photo_names
from fieldapp.media.views import get_storage

PENDING = "is being processed"


def only_photo() -> Photo:
    db.session.rollback()
    (photo,) = db.session.scalars(select(Photo))
    return photo


def stored_files() -> set[str]:
    return set(get_storage().names())


def run(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_upload_is_stored_raw_shown_as_placeholder_then_processed_by_the_command(
    queued, client, participant, runner, new_browser
) -> None:
    walk = participant
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    raw = astronaut_jpeg()
    resp = post_observation(client, walk, [(raw, "IMG_1.jpg")])
    assert resp.status_code == 302, resp.data

    photo = only_photo()
    assert photo.status == "processing" and not photo.is_public
    assert photo.blur_regions is None and photo.original_digest is None
    (name,) = stored_files()
    assert name == photo.job.raw_name and name.endswith("_r.raw")
    assert get_storage().read(name) == raw  # as sent: nothing decoded in the request

    # The reporter sees a placeholder, never a broken image; no URL serves the raw upload.
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert f"Photo 1 {PENDING}" in mine
    assert f' src="/photos/{photo.id}/thumb.jpg"' not in mine  # no image that cannot load
    for variant in ("web", "thumb", "original"):
        assert fetch(client, f"/photos/{photo.id}/{variant}.jpg").status_code == 404
    coordinator = log_in(new_browser(), make_person("coordinator", "k@example.dk"))
    for variant in ("web", "thumb", "original"):
        assert fetch(coordinator, f"/photos/{photo.id}/{variant}.jpg").status_code == 404
    walk_page = coordinator.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert f"Photo 1 {PENDING}" in walk_page

    output = run(runner, "process-photos")
    assert "1 photos ready, 0 to retry later, 0 failed; 0 still queued" in output

    photo = only_photo()
    assert photo.status == "ready" and photo.is_public and photo.job is None
    assert photo.blur_regions, "the astronaut's face was not found by the worker"
    web, thumb = photo_names(photo.digest)
    assert stored_files() == {web, thumb, original_name(photo.original_digest)}
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert PENDING not in mine and f"/photos/{photo.id}/thumb.jpg" in mine
    served = fetch(client, f"/photos/{photo.id}/web.jpg")
    assert served.status_code == 200
    original = get_storage().read(original_name(photo.original_digest))
    assert detail(crop(pixels(served.data), FACE)) < 0.05 * detail(crop(pixels(original), FACE))
    assert fetch(coordinator, f"/photos/{photo.id}/original.jpg").status_code == 200
    assert "0 photos ready" in run(runner, "process-photos")  # nothing left: idempotent


def statuses(browser, *ids) -> dict:
    resp = browser.get("/photos/status.json", query_string=[("id", str(i)) for i in ids])
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "private, no-store"
    return resp.get_json()["photos"]


def test_a_placeholder_follows_its_photo_and_says_to_reload_without_javascript(
    queued, client, participant, runner, new_browser
) -> None:
    walk = participant
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert post_observation(client, walk, [(astronaut_jpeg(), "IMG_1.jpg")]).status_code == 302
    photo = only_photo()
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    # What the script needs, and for a phone without JavaScript a link to reload the page.
    assert f'data-photo-pending="{photo.id}"' in mine
    assert 'data-status-url="/photos/status.json"' in mine
    assert f'data-src="/photos/{photo.id}/thumb.jpg"' in mine
    assert 'aria-live="polite" data-photo-announce' in mine
    assert "js/photo-pending.js" in mine
    assert (
        f'<a href="/w/{walk.join_token}/mine">Reload the page to see it when it is ready.</a>'
        in mine
    )

    # The reporter and triage staff may follow it; another phone learns nothing, not even that
    # the photo exists. Ids that are not ids are left out rather than refused.
    coordinator = log_in(new_browser(), make_person("coordinator", "k@example.dk"))
    stranger = new_browser()
    assert statuses(client, photo.id) == {str(photo.id): {"status": "processing"}}
    assert statuses(coordinator, photo.id) == {str(photo.id): {"status": "processing"}}
    assert statuses(stranger, photo.id) == {}
    assert statuses(client, "x", -1, 0, 10**20, photo.id + 1) == {}

    run(runner, "process-photos")
    photo = only_photo()
    ready = {
        "status": "ready",
        "web": [photo.width, photo.height],
        "thumb": [photo.thumb_width, photo.thumb_height],
    }
    assert statuses(client, photo.id) == {str(photo.id): ready}
    assert statuses(stranger, photo.id) == {}
    assert fetch(client, f"/photos/{photo.id}/thumb.jpg").status_code == 200  # what it shows

    # Hidden by staff meanwhile: the reporter's page stops asking, staff still see it.
    photo.hidden = True
    db.session.commit()
    assert statuses(client, photo.id) == {}
    assert statuses(coordinator, photo.id) == {str(photo.id): ready}


def test_json_api_answers_before_processing_and_a_resend_queues_nothing_more(
    queued, client, participant, runner
) -> None:
    walk = participant

    def send(**files):
        return client.post(
            f"/w/{walk.join_token}/api/observations",
            data={"client_key": "queue-key-0001", "category": "lighting", **files},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )

    resp = send(photos=(io.BytesIO(astronaut_jpeg()), "a.jpg"))
    assert resp.status_code == 201, resp.data
    assert resp.get_json()["photos"] == {"accepted": 1, "refused": []}
    assert only_photo().status == "processing"
    # A resend with the same key is the first result, not a second queued photo.
    again = send(photos=(io.BytesIO(astronaut_jpeg()), "a.jpg"))
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 1
    assert "photo-worker: done: 1 photos ready" in run(runner, "worker", "--once")
    assert only_photo().status == "ready"


def test_open311_links_a_queued_photo_only_once_it_is_processed(queued, client, runner) -> None:
    resp = post_open311_photo(client)
    assert resp.status_code == 200, resp.data
    (record,) = client.get("/open311/v2/requests.json").get_json()
    assert "media_url" not in record  # nothing public to link to yet, and never the raw file
    run(runner, "mail-worker", "--once")  # the old command name serves the photo queue too
    (record,) = client.get("/open311/v2/requests.json").get_json()
    served = fetch(client, record["media_url"].removeprefix("http://localhost"))
    assert served.status_code == 200 and served.data[:2] == b"\xff\xd8"


def test_bad_files_are_still_refused_in_the_request(queued, client, participant) -> None:
    from tests.capture.test_photos_http import png_bomb

    walk = participant
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = post_observation(
        client, walk, [(b"GIF89a not a photo", "x.jpg")], text="Lampen er slukket"
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "The photo x.jpg was not added: it is not a photo we can read." in page
    assert "Lampen er slukket" in page  # what the user typed is kept
    resp = post_observation(client, walk, [(png_bomb(), "bomb.png")])
    assert resp.status_code == 400
    assert "the picture has too many pixels" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
    assert stored_files() == set()


def test_undecodable_pixels_fail_for_good_and_the_raw_file_goes(
    queued, client, participant, runner
) -> None:
    walk = participant
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    buf = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buf, "PNG")
    # The header is fine, the pixels cut off: a JPEG like that is refused in the request
    # (tests/media/test_truncated_upload.py), a PNG is found out by the worker's decode.
    truncated = buf.getvalue()[: len(buf.getvalue()) // 3]
    assert post_observation(client, walk, [(truncated, "cut.png")]).status_code == 302
    assert "0 photos ready, 0 to retry later, 1 failed" in run(runner, "process-photos")
    photo = only_photo()
    assert photo.status == "failed" and not photo.is_public
    assert photo.job.status == "failed" and "not_image" in photo.job.last_error
    assert stored_files() == set()  # nothing can be made of it, and nobody may see it
    mine = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    assert "Photo 1 could not be processed." in mine
    assert "data-photo-pending" not in mine  # nothing left to wait for
    assert statuses(client, photo.id) == {str(photo.id): {"status": "failed"}}


def test_storage_errors_are_retried_with_backoff_then_recorded(
    queued, client, participant, monkeypatch
) -> None:
    walk = participant
    assert post_observation(client, walk, [(astronaut_jpeg(), "a.jpg")]).status_code == 302
    storage = get_storage()
    real_read = storage.read

    def flaky(name: str) -> bytes:
        raise OSError("disk went away")

    monkeypatch.setattr(storage, "read", flaky)
    now = utcnow()
    counts = jobs.process_due(db.session, storage, max_bytes=10**8, now=now)
    assert (counts.done, counts.retried, counts.failed) == (0, 1, 0)
    job = only_photo().job
    assert job.attempts == 1 and "disk went away" in job.last_error
    assert job.next_attempt_at >= now + jobs.BACKOFF[0]
    # Not due again before the backoff is over.
    assert jobs.process_due(db.session, storage, max_bytes=10**8, now=now).handled == 0
    later = now
    for delay in jobs.BACKOFF:
        later += delay + timedelta(seconds=1)
        jobs.process_due(db.session, storage, max_bytes=10**8, now=later)
    photo = only_photo()
    assert photo.status == "failed" and photo.job.attempts == jobs.MAX_ATTEMPTS
    monkeypatch.setattr(storage, "read", real_read)


def test_a_full_disk_while_writing_the_renditions_is_retried_and_leaves_no_file(
    queued, client, participant, monkeypatch
) -> None:
    walk = participant
    assert post_observation(client, walk, [(astronaut_jpeg(), "a.jpg")]).status_code == 302
    storage = get_storage()
    (raw,) = stored_files()
    real_stage = storage.stage
    calls = []

    def full_after_one(name: str, data: bytes):
        calls.append(name)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real_stage(name, data)

    monkeypatch.setattr(storage, "stage", full_after_one)
    counts = jobs.process_due(db.session, storage, max_bytes=10**8)
    assert (counts.done, counts.retried) == (0, 1)
    photo = only_photo()
    assert photo.status == "processing" and "No space left" in photo.job.last_error
    assert stored_files() == {raw}
    assert not [p for p in storage.root.rglob(".tmp-*")], "a staged rendition was left behind"


def test_same_picture_twice_keeps_the_raw_file_until_both_are_done(
    queued, client, participant, runner
) -> None:
    walk = participant
    raw = astronaut_jpeg()
    assert post_observation(client, walk, [(raw, "a.jpg")]).status_code == 302
    assert post_observation(client, walk, [(raw, "b.jpg")]).status_code == 302
    first, second = db.session.scalars(select(PhotoJob).order_by(PhotoJob.id)).all()
    assert first.raw_name == second.raw_name
    storage = get_storage()
    jobs.process_job(db.session, storage, first, utcnow(), max_bytes=10**8)
    assert storage.exists(second.raw_name), "deleted while another job still needed it"
    assert "1 photos ready" in run(runner, "process-photos")
    assert not storage.exists(second.raw_name)
    assert {p.status for p in db.session.scalars(select(Photo))} == {"ready"}


def test_staff_tools_and_commands_handle_a_queued_photo(
    queued, client, participant, runner, new_browser
) -> None:
    walk = participant
    assert post_observation(client, walk, [(astronaut_jpeg(), "a.jpg")]).status_code == 302
    photo = only_photo()
    coordinator = log_in(new_browser(), make_person("coordinator", "k@example.dk"))
    page = coordinator.get(f"/photos/{photo.id}/privacy")
    assert page.status_code == 200
    assert f"Photo 1 {PENDING}" in page.get_data(as_text=True)
    resp = coordinator.post(
        f"/photos/{photo.id}/blur", data={"left": "10", "top": "10", "width": "20", "height": "20"}
    )
    assert resp.status_code == 409
    assert "still being processed" in resp.get_data(as_text=True)
    assert "0 photos blurred" in run(runner, "blur-photos")  # the worker will blur it
    assert "0 originals" in run(runner, "purge-originals", "--days", "0")
    # Hiding works before processing and still holds after it.
    assert coordinator.post(f"/photos/{photo.id}/visibility", data={"hide": "1"}).status_code == 302
    run(runner, "process-photos")
    photo = only_photo()
    assert photo.status == "ready" and photo.hidden and not photo.is_public
    assert "Photo 1" not in client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)


def test_deleting_a_queued_observation_drops_its_job_and_clean_orphans_its_raw_file(
    queued, client, participant, runner
) -> None:
    walk = participant
    assert post_observation(client, walk, [(astronaut_jpeg(), "a.jpg")]).status_code == 302
    observation = db.session.scalar(select(Observation))
    (raw,) = stored_files()
    assert "0 unreferenced files" in run(runner, "clean-orphans")  # the job still needs it
    db.session.delete(observation)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 0
    assert "1 unreferenced files removed" in run(runner, "clean-orphans")
    assert not get_storage().exists(raw)
    assert "0 photos ready" in run(runner, "process-photos")


def test_a_photo_another_worker_holds_is_skipped(queued, client, participant) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite runs one worker")
    walk = participant
    assert post_observation(client, walk, [(astronaut_jpeg(), "a.jpg")]).status_code == 302
    assert post_observation(client, walk, [(astronaut_jpeg(256), "b.jpg")]).status_code == 302
    held, free = db.session.scalars(select(PhotoJob).order_by(PhotoJob.id)).all()
    held_id, free_photo_id, held_photo_id = held.id, free.photo_id, held.photo_id
    db.session.commit()

    with db.engine.connect() as other_worker, other_worker.begin():
        other_worker.execute(select(PhotoJob.id).where(PhotoJob.id == held_id).with_for_update())
        counts = jobs.process_due(db.session, get_storage(), max_bytes=10**8)
    assert (counts.done, counts.failed, counts.retried) == (1, 0, 0)
    db.session.expire_all()
    assert db.session.get(Photo, free_photo_id).status == "ready"
    assert db.session.get(Photo, held_photo_id).status == "processing"
