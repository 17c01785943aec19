"""The published report behind its unguessable link: no account, nothing private."""

from __future__ import annotations

from contextlib import nullcontext

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import force_locale

from fieldapp.extensions import db, limiter
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkreports.rendering import report_html, report_pdf_response
from fieldapp.walkreports.services import find_published

bp = Blueprint("walkreport_public", __name__)
# Shared with nothing else: guessing report links stays slow.
report_limit = limiter.shared_limit("60 per minute", scope="walk-report")


@bp.after_request
def private_page_headers(response: Response) -> Response:
    """The link is the only key: keep it out of search engines and Referer headers."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _published_or_404(token: str) -> WalkReport:
    """:raise 404: unknown token or a report not published yet (the same answer for both)."""
    report = find_published(db.session, token)
    if report is None:
        abort(404)
    return report


def _lang() -> str | None:
    """?lang= from the e-mail link wins, so the report opens in the recipient's language."""
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def _locale(lang: str | None):
    return force_locale(lang) if lang else nullcontext()


@bp.get("/r/<token>")
@report_limit
def page(token: str):
    report = _published_or_404(token)
    lang = _lang()
    with _locale(lang):
        return report_html(
            report,
            pdf_url=url_for(".pdf", token=token, **({"lang": lang} if lang else {})),
        )


@bp.get("/r/<token>.pdf")
@report_limit
def pdf(token: str):
    report = _published_or_404(token)
    with _locale(_lang()):
        return report_pdf_response(report, f"walk-report-{report.walk_id}.pdf")
