"""The public request form and tracking page, and the coordinators' queue."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth.permissions import coordinator_required
from fieldapp.extensions import db, limiter
from fieldapp.i18n import select_timezone
from fieldapp.notify.urls import absolute_url
from fieldapp.paging import requested_page
from fieldapp.taxonomy import CATEGORY_BY_CODE
from fieldapp.walkrequests import services
from fieldapp.walkrequests.forms import AcceptForm, DeclineForm, WalkRequestForm
from fieldapp.walkrequests.mails import mail_requester
from fieldapp.walkrequests.models import WalkRequest

bp = Blueprint("walkrequests", __name__)

LABELS = {
    "kind_labels": services.KIND_LABELS,
    "season_labels": services.SEASON_LABELS,
    "time_labels": services.TIME_LABELS,
    "status_labels": services.STATUS_LABELS,
    "public_status": services.public_status,
}


@bp.app_template_filter("requester")
def requester_label(req: WalkRequest) -> str:
    """Who asked, for staff pages: "Housing association board · Afdelingsbestyrelsen"."""
    label = _(services.KIND_LABELS.get(req.requester_kind, "Other"))
    return f"{label} · {req.organisation}" if req.organisation else label


@bp.app_template_global()
def walk_requests_waiting() -> tuple[int, int]:
    """Unanswered requests, and those older than 14 days, for the coordinators' start page."""
    return (
        services.unanswered_count(db.session),
        services.unanswered_count(db.session, services.UNANSWERED_DAYS),
    )


@bp.route("/request-walk", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def new():
    form = WalkRequestForm()
    if form.validate_on_submit():
        req = services.create_request(db.session, form.data, str(get_locale() or "da"))
        mail_requester(db.session, req, "received")
        db.session.commit()
        return redirect(url_for("walkrequests.track", token=req.token, sent=1))
    return render_template("walkrequests/form.html", form=form), 400 if form.errors else 200


def get_by_token_or_404(token: str) -> WalkRequest:
    """:raise 404: no request has that token (no hint whether one looks like it)."""
    req = services.find_by_token(db.session, token)
    if req is None:
        abort(404)
    return req


@bp.get("/request-walk/t/<token>")
def track(token: str):
    req = get_by_token_or_404(token)
    resp = current_app.make_response(
        render_template(
            "walkrequests/track.html",
            req=req,
            sent=bool(request.args.get("sent")),
            link=absolute_url("walkrequests.track", token=req.token),
            **LABELS,
        )
    )
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


# --- Coordinators ---------------------------------------------------------------------------


def get_request_or_404(request_id: int) -> WalkRequest:
    return db.get_or_404(WalkRequest, request_id)


def _status_filter() -> str:
    status = request.args.get("status") or "open"
    return status if status in services.QUEUE_FILTERS else "open"


@bp.get("/walk-requests/")
@coordinator_required
def queue():
    status = _status_filter()
    page = services.queue_page(db.session, status, requested_page())
    return render_template(
        "walkrequests/queue.html",
        page=page,
        status=status,
        filters=services.QUEUE_FILTERS,
        unanswered=services.unanswered_count(db.session),
        overdue=services.unanswered_count(db.session, services.UNANSWERED_DAYS),
        overdue_days=services.UNANSWERED_DAYS,
        geojson_url=url_for(
            "walkrequests.queue_geojson",
            status=status,
            page=page.number if page.number > 1 else None,
        ),
        **LABELS,
    )


@bp.get("/walk-requests/requests.geojson")
@coordinator_required
def queue_geojson():
    """The pins of one page of the queue, as the list beside the map shows it."""
    rows = services.queue_page(db.session, _status_filter(), requested_page()).rows
    return services.requests_geojson(
        rows, lambda r: url_for("walkrequests.detail", request_id=r.id)
    )


@bp.get("/walk-requests/<int:request_id>")
@coordinator_required
def detail(request_id: int):
    req = get_request_or_404(request_id)
    return _detail(req, DeclineForm())


def _detail(req: WalkRequest, decline_form: DeclineForm, status: int = 200):
    return render_template(
        "walkrequests/detail.html",
        req=req,
        accept_form=AcceptForm(),
        decline_form=decline_form,
        track_url=url_for("walkrequests.track", token=req.token),
        geojson=services.requests_geojson(
            [req], lambda r: url_for("walkrequests.detail", request_id=r.id)
        ),
        **LABELS,
    ), status


def _already_answered(req: WalkRequest):
    flash(_("This request has already been answered."), "error")
    return _detail(req, DeclineForm(formdata=None), 409)


@bp.post("/walk-requests/<int:request_id>/accept")
@coordinator_required
def accept(request_id: int):
    req = get_request_or_404(request_id)
    if not AcceptForm().validate_on_submit():
        abort(400)
    if req.status != "new":
        return _already_answered(req)
    categories = [_(CATEGORY_BY_CODE[c].label) for c in req.categories if c in CATEGORY_BY_CODE]
    walk = services.accept_request(
        db.session,
        req,
        current_user.id,
        select_timezone(),
        title=_("Safety walk: %(place)s", place=req.place_name),
        description=services.walk_description(
            req, _(services.KIND_LABELS.get(req.requester_kind, "Other")), categories
        ),
    )
    mail_requester(db.session, req, "accepted")
    db.session.commit()
    flash(_("The request is accepted and a walk is planned. Set the date and time."), "success")
    return redirect(url_for("walks.edit", walk_id=walk.id))


# Declining posts to the request's own page, so a refused form stays at the page's address.
@bp.post("/walk-requests/<int:request_id>")
@coordinator_required
def decline(request_id: int):
    req = get_request_or_404(request_id)
    form = DeclineForm()
    if req.status != "new":
        return _already_answered(req)
    if not form.validate_on_submit():
        return _detail(req, form, 400)
    services.decline_request(db.session, req, form.reason.data, current_user.id)
    mail_requester(db.session, req, "declined")
    db.session.commit()
    flash(_("The request is declined; the requester can see the reason."), "success")
    return redirect(url_for("walkrequests.queue"))
