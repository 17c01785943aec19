"""Public tracking pages for reporters, by tracking code: no account, nothing private."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fieldapp.extensions import db, limiter
from fieldapp.followup.services import (
    PUBLIC_STATUS_LABELS,
    find_by_code,
    format_code,
    normalise_code,
    tracking_view,
)
from fieldapp.notify.urls import absolute_url
from fieldapp.walks.qr import qr_svg

bp = Blueprint("followup", __name__)
# One budget per address for everything that takes a code, so guessing codes stays slow.
tracking_limit = limiter.shared_limit("30 per minute", scope="tracking-code")


@bp.app_template_global()
def tracking_url(code: str) -> str:
    """The public page of a tracking code as a full address, for receipts and QR codes."""
    return absolute_url("followup.track", code=code)


@bp.app_template_filter("tracking_code")
def tracking_code_filter(code: str) -> str:
    return format_code(code or "")


@bp.after_request
def private_page_headers(response: Response) -> Response:
    """Codes are the only key: keep them out of search engines, caches and Referer headers."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _lookup_page(code: str = "", error: str | None = None, status: int = 200):
    return render_template("followup/lookup.html", code=code, error=error), status


@bp.get("/t/", endpoint="lookup_slash")
@bp.get("/t")
@tracking_limit
def lookup():
    """The form to type a code; a submitted code goes to its page in canonical form."""
    if "code" not in request.args:
        return _lookup_page()
    raw = request.args.get("code", "")
    code = normalise_code(raw)
    if not code:
        return _lookup_page(raw, _("Type the code from your receipt, e.g. ABCD EFGH."), 400)
    return redirect(url_for("followup.track", code=code))


@bp.get("/t/<code>")
@tracking_limit
def track(code: str):
    """:raise 404: unknown code, with the form to try again (same answer for any wrong code)."""
    canonical = normalise_code(code)
    if canonical and canonical != code:
        return redirect(url_for("followup.track", code=canonical), 301)
    observation = find_by_code(db.session, canonical)
    if observation is None:
        return _lookup_page(
            code,
            _(
                "We could not find an observation with the code %(code)s. Check the code on "
                "your receipt and try again.",
                code=format_code(canonical) or code,
            ),
            404,
        )
    return render_template(
        "followup/track.html",
        tracking=tracking_view(db.session, observation),
        status_labels=PUBLIC_STATUS_LABELS,
    )


@bp.get("/t/<code>/qr.svg")
@tracking_limit
def qr(code: str):
    """QR code of the tracking page, for the receipt. :raise 404: unknown code."""
    observation = find_by_code(db.session, normalise_code(code))
    if observation is None:
        abort(404)
    svg = qr_svg(tracking_url(observation.tracking_code), border=2)
    return Response(svg, mimetype="image/svg+xml")
