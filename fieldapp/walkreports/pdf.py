"""The report as PDF (WeasyPrint), from the same template as the page.

WeasyPrint may fetch nothing from outside: the only resources it gets are the report's chosen
photos' public (blurred) renditions, read from storage by their signed public URL path.
"""

from __future__ import annotations

import re
from pathlib import Path

from fieldapp.capture.models import Photo
from fieldapp.media.storage import Storage, photo_names
from fieldapp.media.views import public_photo_url

PRINT_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "walkreport-print.css"
# Relative URLs in the template resolve against this; nothing is ever fetched from it.
BASE_URL = "http://report.invalid/"
_PHOTO_PATH = re.compile(r"^http://report\.invalid(/photos/p/[^/]+/(?:web|thumb)\.jpg)$")


def photo_fetcher(photos: dict[int, Photo], storage: Storage):
    """A WeasyPrint URL fetcher that serves the given photos and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    files: dict[str, str] = {}
    for photo in photos.values():
        web_name, thumb_name = photo_names(photo.digest)
        for variant, name in (("web", web_name), ("thumb", thumb_name)):
            path = public_photo_url(photo, variant)
            if path:  # hidden or unblurred photos get no public URL, so nothing is fetched
                files[path] = name

    class PhotoFetcher(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            match = _PHOTO_PATH.match(url)
            name = files.get(match.group(1)) if match else None
            if name is None:
                raise ValueError(f"external resource refused: {url[:80]}")
            body = storage.read(name)
            return URLFetcherResponse(url, body, {"Content-Type": "image/jpeg"})

    return PhotoFetcher()


def render_pdf(html: str, photos: dict[int, Photo], storage: Storage) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=photo_fetcher(photos, storage)
    ).write_pdf(stylesheets=[CSS(string=PRINT_CSS.read_text(encoding="utf-8"))])
