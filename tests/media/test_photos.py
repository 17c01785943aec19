"""The photo pipeline: metadata stripped, orientation applied, sizes capped, hostile files refused.

Every image is generated here with Pillow; no binary fixtures.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
import random
import struct
import time
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, JpegImagePlugin

from fieldapp.media.photos import HEIF_SUPPORTED, PhotoRejected, ProcessedPhoto, process_photo

RED, BLUE, GREEN, YELLOW = (220, 20, 20), (20, 20, 220), (20, 200, 20), (230, 230, 20)


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def quadrants(width: int, height: int) -> Image.Image:
    """Red, blue / green, yellow quadrants: every flip and rotation looks different."""
    im = Image.new("RGB", (width, height), RED)
    im.paste(BLUE, (width // 2, 0, width, height // 2))
    im.paste(GREEN, (0, height // 2, width // 2, height))
    im.paste(YELLOW, (width // 2, height // 2, width, height))
    return im


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def close_to(actual: tuple[int, ...], expected: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True))


def assert_no_metadata(data: bytes) -> None:
    im = decoded(data)
    assert im.format == "JPEG"
    assert not im.getexif()
    for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp"):
        assert key not in im.info
    for needle in (b"Exif", b"xmpmeta", b"TestPhone", b"secret"):
        assert needle not in data


def png_bomb(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG: tens of KB on disk, width*height pixels once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row * 100) for _ in range(height // 100)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything decodes pixel data (the pipeline maps it to 'not_image')."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def rejected(data: bytes, **kwargs: int) -> str:
    with pytest.raises(PhotoRejected) as info:
        process_photo(data, **kwargs)
    return info.value.code


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_gps_make_model_are_stripped_and_orientation_is_applied(fmt: str) -> None:
    src = Image.new("RGB", (400, 200), RED)  # stored wide: red left half, blue right half
    src.paste(BLUE, (200, 0, 400, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "TestPhone", "TestPhone X"
    exif[ExifTags.Base.Orientation] = 6  # shown rotated 90 degrees clockwise
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (55.0, 40.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (12.0, 34.0, 10.25)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret home</x:xmpmeta>'
    data = encode(src, fmt, exif=exif, comment=b"secret comment", xmp=xmp)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # really has GPS
    assert b"TestPhone" in data

    photo = process_photo(data)

    assert (photo.source_format, photo.width, photo.height) == (fmt, 200, 400)  # now tall
    for blob in (photo.web, photo.thumb):
        assert_no_metadata(blob)
    web = decoded(photo.web)
    assert web.size == (200, 400)
    assert close_to(web.getpixel((100, 80)), RED)  # left half turned to the top
    assert close_to(web.getpixel((100, 320)), BLUE)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillow_exif_transpose(orientation: int) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    data = encode(quadrants(800, 400), "JPEG", quality=95, exif=exif)
    expected = ImageOps.exif_transpose(decoded(data))

    photo = process_photo(data, web_long_side=200, thumb_long_side=50)  # draft at 1/4

    web = decoded(photo.web)
    assert max(web.size) == 200
    assert web.size == ((200, 100) if orientation < 5 else (100, 200))
    assert (photo.thumb_width, photo.thumb_height) == ((50, 25) if orientation < 5 else (25, 50))
    for fx, fy in ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)):
        want = expected.getpixel((int(fx * expected.width), int(fy * expected.height)))
        got = web.getpixel((int(fx * web.width), int(fy * web.height)))
        assert close_to(got, want), (fx, fy, got, want)


def test_large_jpeg_is_drafted_resized_and_small(monkeypatch: pytest.MonkeyPatch) -> None:
    drafts: list[tuple[tuple[int, int] | None, tuple[int, int]]] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None):
        result = original(self, mode, size)
        drafts.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data = encode(quadrants(4000, 3000), "JPEG", quality=92)

    started = time.perf_counter()
    photo = process_photo(data)
    elapsed = time.perf_counter() - started

    assert (photo.width, photo.height) == (1600, 1200)
    assert (photo.thumb_width, photo.thumb_height) == (320, 240)
    assert decoded(photo.web).size == (1600, 1200)
    assert decoded(photo.thumb).size == (320, 240)
    assert len(photo.web) < 500 * 1024
    assert photo.digest == hashlib.sha256(photo.web).hexdigest()
    assert drafts == [((1600, 1200), (2000, 1500))]  # own aspect ratio -> decoded at 1/2
    assert not decoded(photo.web).info.get("progressive")  # baseline: cheap for a cheap phone
    assert process_photo(data).digest == photo.digest  # deterministic: same photo, same name
    assert elapsed < 5


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_alpha_becomes_rgb_on_white(fmt: str) -> None:
    src = Image.new("RGBA", (100, 60), (0, 0, 0, 0))
    src.paste((20, 20, 220, 255), (50, 0, 100, 60))
    photo = process_photo(encode(src, fmt, lossless=True))
    web = decoded(photo.web)
    assert (web.mode, web.size, photo.source_format) == ("RGB", (100, 60), fmt)
    assert close_to(web.getpixel((10, 30)), (255, 255, 255))
    assert close_to(web.getpixel((90, 30)), BLUE)


@pytest.mark.parametrize(
    ("mode", "colour", "fmt"),
    [("P", 3, "PNG"), ("L", 128, "PNG"), ("LA", (0, 0), "PNG"), ("1", 1, "PNG")]
    + [("I;16", 40000, "PNG"), ("CMYK", (0, 255, 255, 0), "JPEG"), ("L", 9, "JPEG")],
)
def test_other_modes_become_rgb_and_small_images_are_not_enlarged(
    mode: str, colour: int | tuple[int, ...], fmt: str
) -> None:
    photo = process_photo(encode(Image.new(mode, (64, 48), colour), fmt))
    assert decoded(photo.web).mode == "RGB"
    assert (photo.width, photo.height, photo.thumb_width, photo.thumb_height) == (64, 48, 64, 48)


def test_an_rgb_icc_profile_is_kept_other_profiles_are_not() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = process_photo(encode(quadrants(64, 48), "PNG", icc_profile=srgb))
    assert decoded(photo.web).info.get("icc_profile") == srgb
    cmyk_like = srgb[:16] + b"CMYK" + srgb[20:]
    photo = process_photo(encode(quadrants(64, 48), "PNG", icc_profile=cmyk_like))
    assert "icc_profile" not in decoded(photo.web).info


def test_mpo_from_a_phone_counts_as_jpeg() -> None:
    first, second = quadrants(640, 480), Image.new("RGB", (640, 480), GREEN)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = process_photo(data)
    assert photo.source_format == "JPEG"
    assert close_to(decoded(photo.web).getpixel((10, 10)), RED)


def test_heic_round_trip() -> None:
    if not HEIF_SUPPORTED or "HEIF" not in Image.SAVE:
        pytest.skip("pillow_heif cannot write HEIF here")
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Orientation] = "TestPhone", 6
    # pillow_heif turns the EXIF orientation into an 'irot' box, as iPhones write it.
    data = encode(quadrants(1920, 1080), "HEIF", quality=60, exif=exif.tobytes())
    assert b"irot" in data and b"TestPhone" in data
    photo = process_photo(data)
    assert (photo.source_format, photo.width, photo.height) == ("HEIF", 900, 1600)
    assert_no_metadata(photo.web)
    assert close_to(decoded(photo.web).getpixel((100, 100)), GREEN)  # turned once, not twice


@pytest.mark.parametrize(
    ("size", "how"),
    [
        ((20_000, 20_000), "pillow error"),
        ((10_000, 10_000), "pillow warns"),
        ((8000, 7000), "ours"),
    ],
)
def test_default_limit_bombs_are_refused_without_decoding(
    size: tuple[int, int], how: str, no_decoding: None
) -> None:
    data = png_bomb(*size)
    assert len(data) < 500 * 1024
    started = time.perf_counter()
    assert rejected(data) == "too_many_pixels", how
    assert time.perf_counter() - started < 2


def test_pixel_limit_is_a_parameter_and_inclusive() -> None:
    data = encode(Image.new("RGB", (100, 50)), "PNG")
    assert rejected(data, max_pixels=4999) == "too_many_pixels"
    assert process_photo(data, max_pixels=5000).width == 100


def test_jpeg_header_claiming_too_many_pixels_is_refused(no_decoding: None) -> None:
    data = bytearray(encode(Image.new("RGB", (16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 7000, 9000)  # height, width: 63 MP
    assert rejected(bytes(data)) == "too_many_pixels"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(4096),
        b"Hej, det her er bare tekst.\n" * 20,
        b"%PDF-1.4\n" + b"0" * 200,
        encode(quadrants(400, 300), "PNG")[:300],
        encode(quadrants(400, 300), "JPEG")[:40],
    ],
    ids=["random", "text", "pdf", "truncated-png", "jpeg-header-only"],
)
def test_not_images(data: bytes) -> None:
    assert rejected(data) == "not_image"


def test_a_jpeg_cut_off_in_its_pixels_is_said_to_be_incomplete() -> None:
    """As check_photo (queued processing) says it: the phone can send that photo again."""
    assert rejected(encode(quadrants(400, 300), "JPEG")[:1500]) == "truncated"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_formats_are_unsupported(fmt: str) -> None:
    assert rejected(encode(quadrants(64, 64), fmt)) == "unsupported_format"


def test_empty_and_too_large() -> None:
    assert rejected(b"") == "empty"
    data = encode(quadrants(200, 200), "PNG")
    assert rejected(data, max_bytes=len(data) - 1) == "too_large"
    assert isinstance(process_photo(data, max_bytes=len(data)), ProcessedPhoto)
    exc = PhotoRejected("too_large", "16 MB")
    assert isinstance(exc, ValueError)
    assert (exc.code, exc.detail, str(exc)) == ("too_large", "16 MB", "too_large: 16 MB")
    assert pickle.loads(pickle.dumps(exc)).code == "too_large"  # noqa: S301 (our own bytes)


SEED_IMAGES = [encode(quadrants(48, 32), fmt) for fmt in ("JPEG", "PNG", "WEBP")]
MAGIC = [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP", b"GIF89a"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGIC), st.binary(max_size=2048))
def test_arbitrary_bytes_only_ever_raise_photo_rejected(magic: bytes, tail: bytes) -> None:
    with contextlib.suppress(PhotoRejected):
        process_photo(magic + tail)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEED_IMAGES),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
)
def test_corrupted_images_only_ever_raise_photo_rejected(
    seed: bytes, edits: list[tuple[int, int]]
) -> None:
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    try:
        photo = process_photo(bytes(data))
    except PhotoRejected:
        return
    assert_no_metadata(photo.web)


def test_truncated_upload_is_refused_even_after_weasyprint_loaded() -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES at import; uploads must not inherit it."""
    import weasyprint  # noqa: F401  (imported for its side effect on Pillow)
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buf, "JPEG")
    with pytest.raises(PhotoRejected) as exc:
        process_photo(buf.getvalue()[:-300])
    assert exc.value.code == "truncated"
