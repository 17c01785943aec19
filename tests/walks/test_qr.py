"""The QR code and poster a coordinator prints: they must open the walk's join page."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


@pytest.fixture
def walk(client, auth, make_walk):
    auth.login("coordinator")
    return make_walk(title="Tryghedsvandring på Bredgade Torv", organiser="Nørresundby Samråd")


def join_url_of(client, walk) -> str:
    """The join link exactly as the walk page shows it to the coordinator."""
    html = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    match = re.search(r'id="join-link"[^>]*value="([^"]+)"', html)
    assert match, "no join link on the walk page"
    url = match.group(1)
    assert url.endswith(f"/j/{walk.join_token}")
    assert url.startswith(("http://", "https://"))
    return url


def reference_png(url: str) -> bytes:
    """The QR code the qrcode library draws for `url` with the poster's settings."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return buf.getvalue()


def decode(png: bytes) -> list[str]:
    """What a phone camera reads; zxing-cpp is a self-contained wheel, no system library."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (a test dependency) decodes QR")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert all(r.format == zxingcpp.BarcodeFormat.QRCode for r in results)
    return [r.text for r in results]


def test_png_is_a_square_black_and_white_qr_of_the_join_url(client, walk) -> None:
    resp = client.get(f"/walks/{walk.id}/qr.png")
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    assert resp.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Content-Disposition" not in resp.headers
    im = Image.open(io.BytesIO(resp.data))
    assert im.format == "PNG"
    assert im.width == im.height >= 21 * 10  # at least version 1 at 10 px a module
    assert {color for _count, color in im.convert("L").getcolors()} == {0, 255}

    # The same link encoded by the qrcode library gives the same picture.
    assert resp.data == reference_png(join_url_of(client, walk))


def test_png_decodes_to_the_join_url(client, walk) -> None:
    png = client.get(f"/walks/{walk.id}/qr.png").data
    assert decode(png) == [join_url_of(client, walk)]


def test_the_decoded_link_joins_the_walk(client, walk, new_browser) -> None:
    (link,) = decode(client.get(f"/walks/{walk.id}/qr.png").data)
    phone = new_browser()
    resp = phone.get(link)
    assert resp.status_code == 200
    assert "Tryghedsvandring på Bredgade Torv" in resp.get_data(as_text=True)


def test_svg_is_xml_with_an_svg_root(client, walk) -> None:
    resp = client.get(f"/walks/{walk.id}/qr.svg")
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    root = ET.fromstring(resp.data)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path").get("d")


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_download_is_an_attachment(client, walk, ext: str) -> None:
    resp = client.get(f"/walks/{walk.id}/qr.{ext}?download=1")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f'filename="walk-{walk.id}-qr.{ext}"' in disposition


def test_qr_needs_a_coordinator(new_browser, walk) -> None:
    anonymous = new_browser()
    assert anonymous.get(f"/walks/{walk.id}/qr.png").status_code == 302


def test_poster_is_danish_by_default_with_title_link_and_qr(client, walk, kit) -> None:
    kit.english(client)  # the coordinator's own language does not decide the poster's
    url = join_url_of(client, walk)
    resp = client.get(f"/walks/{walk.id}/poster")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Tryghedsvandring på Bredgade Torv" in html
    assert "Nørresundby Samråd" in html
    assert url in html
    assert f"/walks/{walk.id}/qr.svg" in html
    assert "Scan" in html


def test_poster_in_english_on_request(client, walk) -> None:
    html = client.get(f"/walks/{walk.id}/poster?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Scan the code with your phone camera." in html


def test_public_base_url_is_used_for_the_link(app, client, walk) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://tryg.aalborg.dk/"
    try:
        url = join_url_of(client, walk)
        png = client.get(f"/walks/{walk.id}/qr.png").data
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert url == f"https://tryg.aalborg.dk/j/{walk.join_token}"
    assert png == reference_png(url)
    assert decode(png) == [url]
