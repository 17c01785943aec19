"""The blurring step of the photo pipeline, on a real face photo (skimage's astronaut)."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from blur_fixtures import (
    FACE,
    astronaut_jpeg,
    crop,
    detail,
    mean_abs_diff,
    pixels,
    psnr_outside,
)
from PIL import Image

from fieldapp.media.blur import blur_regions, detect_regions, to_pixels
from fieldapp.media.photos import process_photo, render_public


def contains(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


@pytest.fixture(scope="module")
def processed():
    return process_photo(astronaut_jpeg())


def test_the_astronauts_face_is_found_with_a_margin(processed) -> None:
    assert len(processed.regions) == 1, processed.regions  # the face, and no stray plate
    box = to_pixels(processed.regions[0], (processed.width, processed.height))
    assert contains(box, FACE)
    # The margin reaches beyond the face (hair, chin), but not over the whole picture.
    assert box[0] < FACE[0] - 10 and box[3] > FACE[3] + 10
    assert (box[2] - box[0]) * (box[3] - box[1]) < 0.15 * 512 * 512


def test_public_face_is_unrecognisable_and_the_rest_untouched(processed) -> None:
    original, public = pixels(processed.original), pixels(processed.web)
    face_o, face_p = crop(original, FACE), crop(public, FACE)
    assert mean_abs_diff(face_o, face_p) > 20
    assert detail(face_p) < 0.05 * detail(face_o)  # eyes, nose and mouth are gone
    box = to_pixels(processed.regions[0], (processed.width, processed.height))
    assert psnr_outside(original, public, [box]) > 45
    # The detector itself no longer finds a face in what the public sees.
    with Image.open(io.BytesIO(processed.web)) as im:
        assert detect_regions(im.convert("RGB")) == []


def test_thumbnail_is_made_from_the_blurred_copy(processed) -> None:
    original_thumb = process_photo(astronaut_jpeg(), blur=False).thumb
    scale = processed.thumb_width / processed.width
    face = tuple(round(v * scale) for v in FACE)
    blurred, clear = crop(pixels(processed.thumb), face), crop(pixels(original_thumb), face)
    assert detail(blurred) < 0.1 * detail(clear)


def test_original_is_the_same_size_unblurred_and_metadata_free(processed) -> None:
    plain = process_photo(astronaut_jpeg(), blur=False)
    assert plain.regions == () and plain.web == plain.original == processed.original
    assert processed.web != processed.original
    assert processed.original_digest == hashlib.sha256(processed.original).hexdigest()
    assert processed.digest == hashlib.sha256(processed.web).hexdigest()
    with Image.open(io.BytesIO(processed.original)) as im:
        assert im.size == (processed.width, processed.height)
        assert not im.getexif()


def test_a_large_photo_is_detected_on_a_downscaled_copy() -> None:
    photo = process_photo(astronaut_jpeg(2400))
    assert (photo.width, photo.height) == (1600, 1600)
    (region,) = photo.regions
    face = tuple(v * 1600 / 512 for v in FACE)
    assert contains(to_pixels(region, (1600, 1600)), tuple(round(v) for v in face))


def test_blur_keeps_no_more_than_an_8_by_8_grid_of_averages() -> None:
    """Two faces that agree only in their 8 x 8 block averages blur to the same pixels, so
    nothing finer can be recovered from the public copy."""
    with Image.open(io.BytesIO(astronaut_jpeg())) as im:
        face = im.convert("RGB")
    region = (FACE[0] / 512, FACE[1] / 512, (FACE[2] - FACE[0]) / 512, (FACE[3] - FACE[1]) / 512)
    patch = face.crop(FACE)
    averaged = patch.resize((8, 8), Image.Resampling.BOX).resize(
        patch.size, Image.Resampling.NEAREST
    )
    other = face.copy()
    other.paste(averaged, FACE[:2])
    a, b = blur_regions(face, [region]), blur_regions(other, [region])
    assert mean_abs_diff(crop(pixels_of(a), FACE), crop(pixels_of(b), FACE)) < 1.5


def pixels_of(im: Image.Image):
    return np.asarray(im, dtype=np.float64)


def test_render_public_adds_a_region_by_hand(processed) -> None:
    missed = (0.6, 0.6, 0.3, 0.3)  # lower right: the suit's badges, which no detector finds
    public = render_public(processed.original, [*processed.regions, missed])
    box = to_pixels(missed, (public.width, public.height))
    before, after = crop(pixels(processed.original), box), crop(pixels(public.web), box)
    assert detail(after) < 0.05 * detail(before)
    assert mean_abs_diff(before, after) > 20
    face = to_pixels(processed.regions[0], (public.width, public.height))
    assert psnr_outside(pixels(processed.web), pixels(public.web), [face, box]) > 45
    assert public.digest == hashlib.sha256(public.web).hexdigest() != processed.digest
