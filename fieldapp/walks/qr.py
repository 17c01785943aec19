"""QR codes for join links, as PNG (posters, download) and SVG (print at any size)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str, border: int) -> qrcode.QRCode:
    # Level M survives a scuffed or rain-spotted poster without making the code too dense.
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_png(data: str, box_size: int = 10, border: int = 4) -> bytes:
    qr = _qr(data, border)
    qr.box_size = box_size
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return buf.getvalue()


def qr_svg(data: str, border: int = 4) -> bytes:
    """A path-based SVG that scales without blur; dark modules on white for any printer."""
    img = _qr(data, border).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()
