"""A JPEG cut off before its end (an upload interrupted on a bad connection) is refused in the
request, from its bytes alone, with a message that says so; complete files, progressive ones,
ones with an embedded thumbnail and ones with data after the end (motion photos) still pass.
The worker's full decode stays the judge of everything else."""

from __future__ import annotations

import io

import pytest
from blur_fixtures import post_observation
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.media.photos import PhotoRejected, check_photo
from fieldapp.media.views import get_storage


def jpeg(progressive: bool = False, size=(800, 600)) -> bytes:
    im = Image.new("RGB", size, (90, 120, 150))
    ImageDraw.Draw(im).ellipse([100, 100, 500, 400], fill=(230, 200, 40))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, progressive=progressive)
    return buf.getvalue()


def with_thumbnail_segment(data: bytes) -> bytes:
    """A COM segment right after SOI holding a whole small JPEG, end marker included (as an
    EXIF thumbnail sits before the scan)."""
    thumb = jpeg(size=(40, 30))
    segment = b"\xff\xfe" + (len(thumb) + 2).to_bytes(2, "big") + thumb
    return data[:2] + segment + data[2:]


def code(data: bytes) -> str | None:
    try:
        check_photo(data)
    except PhotoRejected as exc:
        return exc.code
    return None


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_jpeg_cut_off_in_its_pixels_is_refused_without_decoding(progressive: bool) -> None:
    whole = jpeg(progressive)
    assert code(whole) is None
    for cut in (len(whole) // 3, len(whole) - 2, len(whole) - 1):
        assert code(whole[:cut]) == "truncated", cut


def test_end_markers_before_the_scan_or_data_after_the_end_do_not_fool_it() -> None:
    whole = with_thumbnail_segment(jpeg())
    assert code(whole) is None
    assert code(whole[: len(whole) // 2]) == "truncated"  # the thumbnail's end is not the end
    assert code(jpeg() + b"\x00\x00ftypmp42" + bytes(5000)) is None  # a motion photo's video


def test_the_capture_form_answers_400_and_stores_nothing(queued, client, participant) -> None:
    walk = participant
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    cut = jpeg()[:2000]
    resp = post_observation(client, walk, [(cut, "IMG_7.jpg")], text="Lampen er slukket")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert (
        "The photo IMG_7.jpg was not added: the file is incomplete, perhaps the upload was cut "
        "off; please add it again." in page
    )
    assert "Lampen er slukket" in page  # what the user typed is kept
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
    assert list(get_storage().names()) == []


def test_without_a_worker_the_capture_form_says_the_same(client, participant) -> None:
    """Inline processing (the test app's setting, small installs) decodes the photo in the
    request; a cut-off one gets the same message, not "not a photo we can read"."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = post_observation(client, participant, [(jpeg()[:2000], "IMG_9.jpg")], text="Mørkt")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "The photo IMG_9.jpg was not added: the file is incomplete" in page
    assert "Mørkt" in page
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_the_outbox_api_saves_the_observation_and_lists_the_refused_photo(
    queued, client, participant
) -> None:
    walk = participant
    resp = client.post(
        f"/w/{walk.join_token}/api/observations",
        data={
            "client_key": "cut-off-photo-1",
            "category": "lighting",
            "text": "Lampen er slukket",
            "photos": [(io.BytesIO(jpeg()[:2000]), "IMG_8.jpg"), (io.BytesIO(jpeg()), "ok.jpg")],
        },
        content_type="multipart/form-data",
        headers={"Accept": "application/json", "Accept-Language": "en"},
    )
    assert resp.status_code == 201, resp.data
    photos = resp.get_json()["photos"]
    assert photos["accepted"] == 1
    (refused,) = photos["refused"]
    assert refused["name"] == "IMG_8.jpg" and "the upload was cut off" in refused["message"]
