"""Finding faces and number plates in a photo and blurring them beyond recovery.

Detection uses the Haar cascades that opencv-python-headless ships (pinned below 5, which
dropped CascadeClassifier). It runs on a copy shrunk to `DETECT_LONG_SIDE`: cascades are slow
on a 1600 px image and a face too small to find at 800 px is not recognisable either.

Regions are (x, y, w, h) normalised to 0..1 of the image, so one list serves the original, the
web copy and the thumbnail. A detected box is widened by `MARGIN` on every side (hair, ears,
the plate's frame). The blur first averages each region down to `BLOCKS` x `BLOCKS` pixels,
which throws the detail away for good, then smooths the blocks so nobody mistakes the result
for a glitch. No Flask here.
"""

from __future__ import annotations

import functools
from typing import Final

import cv2
import numpy as np
from PIL import Image, ImageFilter

Region = tuple[float, float, float, float]

DETECT_LONG_SIDE: Final = 800
MARGIN: Final = 0.25
BLOCKS: Final = 8

# (cascade file, scaleFactor, minNeighbors, minimum size at DETECT_LONG_SIDE) - tuned so the
# astronaut test photo's face is found and its background gives no false plate.
_CASCADES: Final = (
    ("haarcascade_frontalface_default.xml", 1.2, 5, (20, 20)),
    ("haarcascade_russian_plate_number.xml", 1.2, 6, (36, 12)),
)


@functools.cache
def _classifier(name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if classifier.empty():  # pragma: no cover - a broken OpenCV install
        raise RuntimeError(f"cannot load {name}")
    return classifier


def detect_regions(im: Image.Image, long_side: int = DETECT_LONG_SIDE) -> list[Region]:
    """Faces and number plates in `im`, each widened by MARGIN and clipped to the image."""
    scale = min(1.0, long_side / max(im.size))
    small = (
        im
        if scale == 1.0
        else im.resize(
            (max(1, round(im.width * scale)), max(1, round(im.height * scale))),
            Image.Resampling.BILINEAR,
        )
    )
    grey = cv2.equalizeHist(np.asarray(small.convert("L")))
    width, height = small.size
    regions: list[Region] = []
    for name, scale_factor, neighbours, min_size in _CASCADES:
        boxes = _classifier(name).detectMultiScale(
            grey, scaleFactor=scale_factor, minNeighbors=neighbours, minSize=min_size
        )
        for x, y, w, h in boxes:
            box = (float(x) / width, float(y) / height, float(w) / width, float(h) / height)
            regions.append(widen(box, MARGIN))
    return regions


def widen(region: Region, margin: float) -> Region:
    """`region` grown by `margin` of its size on every side, clipped to 0..1."""
    x, y, w, h = region
    left, top = max(0.0, x - w * margin), max(0.0, y - h * margin)
    right, bottom = min(1.0, x + w * (1 + margin)), min(1.0, y + h * (1 + margin))
    return (round(left, 4), round(top, 4), round(right - left, 4), round(bottom - top, 4))


def to_pixels(region: Region, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) pixel box of `region`, rounded outwards."""
    x, y, w, h = region
    width, height = size
    left, top = int(x * width), int(y * height)
    right = min(width, int(np.ceil((x + w) * width)))
    bottom = min(height, int(np.ceil((y + h) * height)))
    return left, top, max(right, left + 1), max(bottom, top + 1)


def blur_regions(im: Image.Image, regions: list[Region]) -> Image.Image:
    """A copy of `im` with every region pixelated to BLOCKS x BLOCKS and then smoothed."""
    out = im.copy()
    for region in regions:
        box = to_pixels(region, im.size)
        patch = out.crop(box)
        blocks = (min(BLOCKS, patch.width), min(BLOCKS, patch.height))
        coarse = patch.resize(blocks, Image.Resampling.BOX).resize(
            patch.size, Image.Resampling.NEAREST
        )
        radius = max(patch.width, patch.height) / BLOCKS / 2
        out.paste(coarse.filter(ImageFilter.GaussianBlur(radius)), box[:2])
    return out
