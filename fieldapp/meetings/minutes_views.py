"""Minutes as a printable page, as PDF (WeasyPrint, the same template) and as CSV."""

from __future__ import annotations

import mimetypes
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from fieldapp.auth.permissions import coordinator_required
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.meetings.minutes import build_minutes, is_overdue, minutes_csv, responsible_text
from fieldapp.meetings.models import Meeting
from fieldapp.meetings.services import MEETING_STATUS_LABELS, local_date
from fieldapp.plans.models import ACTION_STATUS_LABELS

bp = Blueprint("minutes", __name__)


def _render(meeting: Meeting, pdf: bool) -> str:
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        minutes=build_minutes(db.session, meeting),
        today=local_date(utcnow(), tz),
        pdf=pdf,
        is_overdue=is_overdue,
        responsible_text=responsible_text,
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        MEETING_STATUS_LABELS=MEETING_STATUS_LABELS,
    )


def _filename(meeting: Meeting, ext: str) -> str:
    day = meeting.starts_at.date().isoformat() if meeting.starts_at else date.today().isoformat()
    return f"referat-{meeting.id}-{day}.{ext}"


@bp.get("/<int:meeting_id>/minutes")
@coordinator_required
def page(meeting_id: int):
    return _render(db.get_or_404(Meeting, meeting_id), pdf=False)


def _static_fetcher(static_root: Path):
    """Let WeasyPrint read our static files and nothing else: no network, no other files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_root.resolve()

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if path.startswith("/static/"):
                target = (root / path[len("/static/") :]).resolve()
                if target.is_relative_to(root) and target.is_file():
                    mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, body=target.read_bytes(), headers={"Content-Type": mime}
                    )
            raise ValueError(f"not fetched: {url}")

    return StaticOnly(allowed_protocols=("http", "https"))


@lru_cache(maxsize=2)
def _app_css(path: str, mtime: float):
    """app.css parsed once per process (and again when the file changes): parsing it takes
    longer than laying out the minutes."""
    from weasyprint import CSS

    return CSS(filename=path)


@bp.get("/<int:meeting_id>/minutes.pdf")
@coordinator_required
def pdf(meeting_id: int):
    from weasyprint import HTML  # imported on use: it takes a while to load

    meeting = db.get_or_404(Meeting, meeting_id)
    html = _render(meeting, pdf=True)
    fetcher = _static_fetcher(Path(current_app.static_folder))
    css_path = Path(current_app.static_folder) / "css" / "app.css"
    stylesheet = _app_css(str(css_path), css_path.stat().st_mtime)
    document = HTML(string=html, base_url=request.url_root, url_fetcher=fetcher)
    data = document.write_pdf(stylesheets=[stylesheet])
    resp = Response(data, mimetype="application/pdf")
    disposition = "attachment" if request.args.get("download") else "inline"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{_filename(meeting, "pdf")}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/<int:meeting_id>/minutes.csv")
@coordinator_required
def csv(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    text = minutes_csv(build_minutes(db.session, meeting), translate=_)
    resp = Response(text.encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "csv")}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
