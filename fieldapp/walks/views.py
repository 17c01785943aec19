"""Coordinator pages: plan walks, show their QR code and poster, follow what is found."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.areas.models import Area
from fieldapp.audit.web import log_action
from fieldapp.auth.permissions import coordinator_required
from fieldapp.capture.services import (
    walk_observations_query,
)
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.orgs.forms import show_service_error
from fieldapp.orgs.ownership import OwnershipError, set_owner
from fieldapp.paging import paginate, requested_page
from fieldapp.taxonomy import CATEGORY_BY_CODE, PARTICIPANT_ROLE_LABELS
from fieldapp.walkreports.content import area_rings, build_map
from fieldapp.walkreports.mail import report_links
from fieldapp.walkreports.services import get_report
from fieldapp.walks.forms import StatusForm, WalkForm
from fieldapp.walks.map_points import walk_map_geojson
from fieldapp.walks.models import Walk
from fieldapp.walks.qr import qr_png, qr_svg
from fieldapp.walks.services import apply_walk_fields, utc_to_local, walks_page

bp = Blueprint("walks", __name__, url_prefix="/walks")

# Observation cards on a walk's page; the map above them shows every one.
OBSERVATIONS_PER_PAGE = 50


def get_walk_or_404(walk_id: int) -> Walk:
    return db.get_or_404(Walk, walk_id)


def join_url(walk: Walk) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("join.join", token=walk.join_token)
    return url_for("join.join", token=walk.join_token, _external=True)


@bp.get("/")
@coordinator_required
def index():
    from fieldapp.attention import services as attention
    from fieldapp.attention.sources import GROUP_LABELS

    return render_template(
        "walks/index.html",
        page=walks_page(db.session, requested_page()),
        attention=attention.group_counts(db.session, None, utcnow(), cap=attention.COUNT_CAP),
        attention_cap=attention.COUNT_CAP,
        attention_labels=GROUP_LABELS,
    )


def _save_owner(form: WalkForm, walk: Walk) -> bool:
    """Set the walk's organisation and owner; on refusal the error sits on the owner field."""
    try:
        set_owner(
            db.session,
            walk,
            form.owner_id.data,
            current_user,
            administration_id=form.administration_id.data,
        )
    except OwnershipError as exc:
        db.session.rollback()
        show_service_error(form, exc, "owner_id")
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():
    form = WalkForm()
    if request.method == "GET":
        form.administration_id.data = current_user.administration_id
    if form.validate_on_submit():
        walk = Walk(created_by_id=current_user.id)
        tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        apply_walk_fields(walk, form.data, tz, db.session)
        db.session.add(walk)
        if _save_owner(form, walk):
            db.session.commit()
            flash(_("The walk is created. Print the poster or show the QR code."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id))
    return render_template("walks/form.html", form=form, walk=None), 400 if form.errors else 200


@bp.route("/<int:walk_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(walk_id: int):
    walk = get_walk_or_404(walk_id)
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    form = WalkForm(obj=walk)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(walk.starts_at, tz)
    if form.validate_on_submit():
        apply_walk_fields(walk, form.data, tz, db.session)
        if _save_owner(form, walk):
            db.session.commit()
            flash(_("The walk is saved."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id))
    return render_template("walks/form.html", form=form, walk=walk), 400 if form.errors else 200


@bp.get("/<int:walk_id>")
@coordinator_required
def detail(walk_id: int):
    walk = get_walk_or_404(walk_id)
    category = request.args.get("category") or None
    role = request.args.get("role") or None
    if category not in CATEGORY_BY_CODE:
        category = None
    if role not in PARTICIPANT_ROLE_LABELS:
        role = None
    observations = paginate(
        db.session,
        walk_observations_query(walk.id, category=category, role=role),
        requested_page(),
        OBSERVATIONS_PER_PAGE,
    )
    area = db.session.get(Area, walk.area_id) if walk.area_id else None
    report = get_report(db.session, walk)
    page = render_template(
        "walks/detail.html",
        walk=walk,
        area=area,
        area_map=build_map(area_rings(area), []) if area else None,
        report=report,
        report_link=report_links(report)[0] if report and report.is_published else None,
        observations=observations,
        category=category,
        role=role,
        join_url=join_url(walk),
        status_form=StatusForm(status=walk.status),
        geojson_url=url_for(
            "walks.observations_json", walk_id=walk.id, category=category, role=role
        ),
    )
    # The list shows participants' names: who looked is on record.
    names = sum(1 for o in observations.rows if o.participant and o.participant.display_name)
    log_action("walk.viewed", "walk", walk.id, {"participant_names_shown": names})
    return page


@bp.get("/<int:walk_id>/observations.geojson")
@coordinator_required
def observations_json(walk_id: int):
    """The map's points: the newest MAP_LIMIT, with how many match (walks/map_points.py).
    An unknown category or role is ignored, as on the page that asks for this."""
    walk = get_walk_or_404(walk_id)
    category = request.args.get("category") or None
    role = request.args.get("role") or None
    if category not in CATEGORY_BY_CODE:
        category = None
    if role not in PARTICIPANT_ROLE_LABELS:
        role = None
    return walk_map_geojson(db.session, walk.id, category=category, role=role)


@bp.post("/<int:walk_id>/status")
@coordinator_required
def set_status(walk_id: int):
    walk = get_walk_or_404(walk_id)
    form = StatusForm()
    if form.validate_on_submit():
        walk.status = form.status.data
        db.session.commit()
        flash(_("Status changed."), "success")
    else:
        flash(_("Choose a valid status."), "error")
    return redirect(url_for("walks.detail", walk_id=walk.id))


@bp.get("/<int:walk_id>/qr.png")
@coordinator_required
def qr_png_view(walk_id: int):
    walk = get_walk_or_404(walk_id)
    return _download(qr_png(join_url(walk)), "image/png", walk, "png")


@bp.get("/<int:walk_id>/qr.svg")
@coordinator_required
def qr_svg_view(walk_id: int):
    walk = get_walk_or_404(walk_id)
    return _download(qr_svg(join_url(walk)), "image/svg+xml", walk, "svg")


def _download(data: bytes, mimetype: str, walk: Walk, ext: str) -> Response:
    resp = Response(data, mimetype=mimetype)
    if request.args.get("download"):
        resp.headers["Content-Disposition"] = f'attachment; filename="walk-{walk.id}-qr.{ext}"'
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp


@bp.get("/<int:walk_id>/poster")
@coordinator_required
def poster(walk_id: int):
    walk = get_walk_or_404(walk_id)
    # Posters hang where residents pass: Danish unless English is asked for explicitly.
    with force_locale("en" if request.args.get("lang") == "en" else "da"):
        return render_template("walks/poster.html", walk=walk, join_url=join_url(walk))
