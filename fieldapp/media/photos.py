"""Turning one uploaded photo into a small, metadata-free JPEG and a thumbnail.

Every upload is decoded and re-encoded rather than stored as sent, because:

* Privacy: phone photos carry EXIF with the GPS position, the time and the phone's make and
  model, plus XMP and comments. Attaching a photo must not reveal where a participant lives, so
  the output is built from pixels only: no EXIF, XMP or comment is ever written. Only an RGB ICC
  colour profile is kept, so iPhone (Display P3) colours stay right.
* Cheap phones on mobile data: the web copy is at most 1600 px on its long side and the
  thumbnail 320 px, both baseline JPEG with optimised Huffman tables: within 2 % of a
  progressive file's size (bench/photos.py), at less than half its encoding cost on the server
  and its decoding cost and memory on a cheap phone, which still draws it from the top down as
  it arrives. JPEGs are decoded at reduced scale (draft mode), so a 12 MP photo also stays
  cheap for the server.
* Faces and number plates: the web copy and thumbnail are the public renditions, blurred where
  `blur.detect_regions` finds a face or a plate; the same-size `original` is kept apart for
  triage staff only (and deleted after a retention period). `render_public` re-renders the
  public pair after staff add a region by hand.
* Hostile files: the type is sniffed from the content, never from the file name; only JPEG,
  PNG, WebP and HEIF/HEIC are accepted; the pixel count is read from the header and checked
  before anything is decoded, so a tiny file claiming a huge canvas (a decompression bomb) is
  refused without allocating it.

No Flask here. Every refusal is a `PhotoRejected` whose `code` the UI turns into a message.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from PIL import ExifTags, Image, ImageFile

from fieldapp.media.blur import Region, blur_regions, detect_regions
from fieldapp.media.jpeg_end import jpeg_cut_short

try:
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - without it a HEIC upload is simply "not_image"
    HEIF_SUPPORTED = False
else:
    register_heif_opener()
    HEIF_SUPPORTED = True

REJECTION_CODES: Final = frozenset(
    {"empty", "too_large", "not_image", "unsupported_format", "too_many_pixels", "truncated"}
)

# Pillow's format name -> ours. Phone JPEGs with a depth map or preview inside open as MPO.
_ACCEPTED: Final = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
_JPEG_FORMATS: Final = frozenset({"JPEG", "MPO"})

# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose).
_TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_SIDEWAYS: Final = frozenset({5, 6, 7, 8})  # orientations that swap width and height

# After the DCT-domain reduction (draft) the web copy is at most a 2x downscale (1.26x for a 12 MP
# photo), where BICUBIC is within ~1 dB PSNR of LANCZOS (bench/photos.py) at under half the
# cost. The thumbnail is a 5x downscale of the web copy: reducing_gap lets Pillow box-reduce by
# 2 first, which a 320 px preview cannot tell apart.
_WEB_FILTER: Final = Image.Resampling.BICUBIC
_THUMB_FILTER: Final = Image.Resampling.BICUBIC
_REDUCING_GAP: Final = 2.0
_MAX_ICC_BYTES: Final = 64 * 1024
_WHITE: Final = (255, 255, 255)


class PhotoRejected(ValueError):
    """Why a photo was refused; `code` is one of `REJECTION_CODES`:

    'empty', 'too_large', 'not_image', 'unsupported_format', 'too_many_pixels', 'truncated'
    (a JPEG cut off before its end, found by `check_photo` without decoding it).
    """

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    def __reduce__(self) -> tuple[type[PhotoRejected], tuple[str, str]]:
        return type(self), (self.code, self.detail)  # picklable despite the checked code


@dataclass(frozen=True)
class PublicRendition:
    web: bytes  # JPEG, long side <= web_long_side, no metadata at all, regions blurred
    thumb: bytes  # JPEG, long side <= thumb_long_side, no metadata, made from `web`
    width: int  # of web
    height: int
    thumb_width: int
    thumb_height: int
    digest: str  # sha256 hex of `web` -> content-addressed name


@dataclass(frozen=True)
class ProcessedPhoto(PublicRendition):
    source_format: str  # 'JPEG', 'PNG', 'WEBP', 'HEIF'
    original: bytes  # JPEG as `web` but unblurred: for triage staff only
    original_digest: str  # sha256 hex of `original`
    regions: tuple[Region, ...]  # blurred in `web` and `thumb`, normalised 0..1


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check possible without decoding pixels, for the photo queue.

    The sizes are what `process_photo` will make of it (upright), predicted from the header, so
    a "being processed" placeholder already has the right shape.
    """

    data: bytes
    source_format: str
    digest: str  # sha256 hex of `data` -> the raw file's name
    width: int
    height: int
    thumb_width: int
    thumb_height: int


# What the upload step hands over: processed inline, or checked and queued for the worker.
Upload = ProcessedPhoto | CheckedUpload


def check_photo(
    data: bytes,
    *,
    max_bytes: int = 15 * 1024 * 1024,
    max_pixels: int = 50_000_000,
    web_long_side: int = 1600,
    thumb_long_side: int = 320,
) -> CheckedUpload:
    """The synchronous half of `process_photo`: size, type by content and pixel count, read
    from the header only (about a millisecond); :raise PhotoRejected: as `process_photo` does,
    and 'truncated' for a JPEG whose compressed data stops before its end marker (an upload
    cut off on a bad connection), so the phone hears it now rather than the worker later.

    Other corrupt pixel data past a valid header is only found when the worker decodes it.
    """
    _check_size(data, max_bytes)
    with _guarded():
        im, source_format = _open(data, max_pixels)
        with im:
            size = im.size
            if _orientation(im) in _SIDEWAYS:
                size = size[::-1]
    if source_format == "JPEG" and jpeg_cut_short(data):
        raise PhotoRejected("truncated", "no end-of-image marker after the compressed data")
    web = _fit(size, web_long_side)
    thumb = _fit(web, thumb_long_side)
    return CheckedUpload(
        data=data,
        source_format=source_format,
        digest=hashlib.sha256(data).hexdigest(),
        width=web[0],
        height=web[1],
        thumb_width=thumb[0],
        thumb_height=thumb[1],
    )


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected("empty")
    if len(data) > max_bytes:
        raise PhotoRejected("too_large", f"{len(data)} bytes, limit {max_bytes}")


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    """Pillow settings every untrusted upload is opened with."""
    # WeasyPrint switches this on when it is imported (for PDFs); an upload cut off by a bad
    # connection must be refused, not padded with grey, so switch it back for every photo.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # catch_warnings is process-wide in Python 3.11, so concurrent requests may see each other's
    # filters; that is harmless: our own pixel check in _open does not rely on the warning.
    with warnings.catch_warnings():
        # Above its own limit Pillow only warns: make that a refusal, never a stray warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Malformed but readable metadata (EXIF, MPO index) is common and is dropped anyway.
        warnings.simplefilter("ignore", UserWarning)
        yield


def process_photo(
    data: bytes,
    *,
    max_bytes: int = 15 * 1024 * 1024,
    max_pixels: int = 50_000_000,
    web_long_side: int = 1600,
    thumb_long_side: int = 320,
    quality: int = 82,
    blur: bool = True,
) -> ProcessedPhoto:
    """Validate `data` by content and re-encode it; :raise PhotoRejected: with a code.

    With `blur` (always, except to measure its cost) faces and number plates are found and
    blurred in the public renditions.

    The effective pixel limit is the smaller of `max_pixels` and Pillow's Image.MAX_IMAGE_PIXELS.
    """
    _check_size(data, max_bytes)
    with _guarded():
        im, source_format = _open(data, max_pixels)
        with im:
            icc = _rgb_icc(im.info)
            try:
                web = _web_image(im, web_long_side)
            except PhotoRejected:
                # Said as check_photo says it, so the inline pipeline (small installs without
                # a worker) tells the phone to send the photo again rather than "not a photo".
                if source_format == "JPEG" and jpeg_cut_short(data):
                    raise PhotoRejected("truncated", "no end-of-image marker") from None
                raise
    regions = detect_regions(web) if blur else []
    public = _public(web, regions, thumb_long_side, quality, icc)
    # Nothing blurred: the original is the very same JPEG, so do not encode it twice.
    original = _encode(web, quality, icc) if regions else public.web
    return ProcessedPhoto(
        **vars(public),
        source_format=source_format,
        original=original,
        original_digest=hashlib.sha256(original).hexdigest(),
        regions=tuple(regions),
    )


def render_public(
    base: bytes,
    regions: list[Region],
    *,
    thumb_long_side: int = 320,
    quality: int = 82,
) -> PublicRendition:
    """The public pair made from a stored JPEG (the original, or once that is deleted the
    public web copy itself) with `regions` blurred on top."""
    with Image.open(io.BytesIO(base)) as im:
        im.load()
        icc = _rgb_icc(im.info)
        rgb = _to_rgb(im).copy()
    return _public(rgb, regions, thumb_long_side, quality, icc)


def detect_in(data: bytes) -> list[Region]:
    """Faces and number plates in a stored JPEG (for photos stored before blurring existed)."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return detect_regions(_to_rgb(im))


def _public(
    web: Image.Image, regions: list[Region], thumb_long_side: int, quality: int, icc: bytes | None
) -> PublicRendition:
    blurred = blur_regions(web, regions) if regions else web
    thumb = _fit_image(blurred, thumb_long_side)
    web_bytes = _encode(blurred, quality, icc)
    return PublicRendition(
        web=web_bytes,
        thumb=_encode(thumb, quality, icc),
        width=blurred.width,
        height=blurred.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        digest=hashlib.sha256(web_bytes).hexdigest(),
    )


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """Open (header only, nothing decoded yet) and check the format and the pixel count."""
    try:
        im = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected("too_many_pixels", str(exc)) from exc
    except Exception as exc:  # any parser failure on untrusted bytes
        raise PhotoRejected("not_image", f"{type(exc).__name__}: {exc}") from exc
    source_format = _ACCEPTED.get(im.format or "")
    width, height = im.size
    if source_format is None:
        im.close()
        raise PhotoRejected("unsupported_format", str(im.format))
    if width < 1 or height < 1:
        im.close()
        raise PhotoRejected("not_image", f"size {width}x{height}")
    if width * height > max_pixels:
        im.close()
        raise PhotoRejected("too_many_pixels", f"{width}x{height}, limit {max_pixels} pixels")
    return im, source_format


def _web_image(im: Image.Image, long_side: int) -> Image.Image:
    """Decode (JPEG at reduced scale), flatten to RGB, shrink, then turn upright."""
    # Fitting is symmetric in width and height, so a target computed on the stored (pre-EXIF
    # rotation) size is exactly the displayed target turned sideways for orientations 5-8.
    target = _fit(im.size, long_side)
    box: tuple[float, float, float, float] | None = None
    try:
        if im.format in _JPEG_FORMATS:
            # EXIF is read at open; take the orientation before draft() touches the image.
            orientation = _orientation(im)
            if target != im.size:
                # Ask with the image's own aspect ratio: draft() picks the largest DCT scale
                # (1/2, 1/4, 1/8) keeping BOTH sides >= the request, so a square box on a 4:3
                # photo would fall back to a full decode.
                drafted = im.draft("RGB", target)
                box = drafted[1] if drafted else None
            im.load()
        else:
            im.load()  # a PNG eXIf chunk after the pixel data is only seen once decoded
            orientation = _orientation(im)
        rgb = _to_rgb(im)
    except Exception as exc:  # truncated or corrupt pixel data
        raise PhotoRejected("not_image", f"{type(exc).__name__}: {exc}") from exc
    if rgb.size != target:
        rgb = rgb.resize(target, _WEB_FILTER, box=box, reducing_gap=_REDUCING_GAP)
    if orientation in _TRANSPOSE:
        rgb = rgb.transpose(_TRANSPOSE[orientation])
    return rgb.copy() if rgb is im else rgb  # `im` is closed by the caller


def _fit_image(im: Image.Image, long_side: int) -> Image.Image:
    target = _fit(im.size, long_side)
    if target == im.size:
        return im.copy()
    return im.resize(target, _THUMB_FILTER, reducing_gap=_REDUCING_GAP)


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size within `long_side` keeping the aspect ratio; never enlarges."""
    width, height = size
    if max(width, height) <= long_side:
        return width, height
    if width >= height:
        return long_side, max(1, round(height * long_side / width))
    return max(1, round(width * long_side / height)), long_side


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # unreadable EXIF: treat as upright, it is discarded anyway
        return 1
    return value if isinstance(value, int) and value in _TRANSPOSE else 1


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any mode to RGB; transparency is composited onto white."""
    if im.mode == "RGB" and "transparency" not in im.info:
        return im
    if im.mode.startswith("I;16") or im.mode == "I":
        # 16-bit grey (PNG): scale to 8 bits instead of clipping everything above 255 to white.
        im = im.convert("I").point(lambda v: v / 257).convert("L")
    elif im.mode == "P" or "transparency" in im.info:
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _rgb_icc(info: dict[str | tuple[int, int], object]) -> bytes | None:
    """The source's ICC profile if it describes RGB (a CMYK or grey one would be wrong now)."""
    icc = info.get("icc_profile")
    if isinstance(icc, bytes) and 128 <= len(icc) <= _MAX_ICC_BYTES and icc[16:20] == b"RGB ":
        return icc
    return None


def _encode(im: Image.Image, quality: int, icc: bytes | None) -> bytes:
    # resize()/convert() copy the source's info, and the JPEG writer falls back to
    # info["comment"]: start from nothing and pass every parameter explicitly.
    im.info = {}
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, progressive=False, optimize=True, icc_profile=icc)
    return buf.getvalue()
