"""The area and period reports as PDF: WeasyPrint, with nothing fetched from anywhere.

Imported inside the views that make a PDF, because loading WeasyPrint takes a while.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class NoFetch(URLFetcher):
    """Refuses every URL: the report templates are self-contained (inline styles, no images).

    WeasyPrint asks an URLFetcher subclass, not a plain function (it reads the fetcher's error
    setting when a fetch fails), so a template that gains a link or an image still renders,
    without it, instead of failing the download.
    """

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        raise ValueError(f"external resource refused: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=NoFetch()).write_pdf()
