"""Admin pages for areas (drawn on a map, pasted or uploaded as GeoJSON) and the routing rules
table. Drawing only fills the GeoJSON field: parse_area_geojson stays the one judge of an outline.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldapp.areas.assign import area_contents, reassign_in_box
from fieldapp.areas.models import Area
from fieldapp.areas.services import (
    MAX_GEOJSON_CHARS,
    AreaError,
    area_box,
    areas_geojson,
    create_area,
    delete_area,
    list_areas,
    update_area,
)
from fieldapp.auth.permissions import admin_required
from fieldapp.errors import abort_with
from fieldapp.extensions import db
from fieldapp.orgs.forms import AreaForm, ConfirmForm, show_service_error
from fieldapp.orgs.models import Administration
from fieldapp.routing.forms import rules_form
from fieldapp.routing.services import RoutingError, rule_counts_by_area, rules_table, save_rules
from fieldapp.taxonomy import N_

bp = Blueprint("routing", __name__)


# --- areas -------------------------------------------------------------------------------------


@bp.get("/areas")
@admin_required
def areas():
    return render_template(
        "orgs/areas.html",
        areas=list_areas(db.session),
        rule_counts=rule_counts_by_area(db.session),
        confirm_form=ConfirmForm(),
    )


@bp.get("/areas.geojson")
@admin_required
def areas_geojson_view():
    """Every outline for the overview map and as context while drawing."""
    data = areas_geojson(list_areas(db.session))
    for feature in data["features"]:
        feature["properties"]["url"] = url_for("orgs.routing.edit_area", area_id=feature["id"])
    return data


def _area_form_page(form: AreaForm, area: Area | None, status: int = 200):
    return render_template("orgs/area_form.html", form=form, area=area), status


@bp.get("/areas/new")
@admin_required
def new_area():
    return _area_form_page(AreaForm(), None)


def _geojson_text(form: AreaForm) -> str:
    """The uploaded file's text if a file was chosen, else what was pasted."""
    upload = form.upload.data
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.read(MAX_GEOJSON_CHARS * 4 + 1)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AreaError(N_("The file is not a UTF-8 text file. Export it as GeoJSON.")) from exc
    return form.geojson.data or ""


def _flash_contents(area: Area) -> None:
    """Say what the (re)drawn outline now holds, so an admin sees a misdrawn one at once."""
    counts = area_contents(db.session, area.id)
    flash(
        _(
            "In the area now: %(observations)d observations, %(issues)d issues, %(walks)d walks.",
            **counts,
        ),
        "info",
    )


@bp.post("/areas")
@admin_required
def create_area_view():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = create_area(db.session, form.name.data or "", _geojson_text(form))
        except AreaError as exc:
            db.session.rollback()
            show_service_error(form, exc, "geojson")
        else:
            # Findings made before the area existed fall into it now.
            reassign_in_box(db.session, area_box(area), area.id)
            db.session.commit()
            flash(_("The area %(name)s is added.", name=area.name), "success")
            _flash_contents(area)
            return redirect(url_for("orgs.routing.areas"))
    return _area_form_page(form, None, 400)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_area(area_id: int):
    """Rename, redraw, or replace the outline with pasted or uploaded GeoJSON.

    :raise 404: no such area.
    """
    area = db.get_or_404(Area, area_id)
    form = AreaForm(obj=area)
    if request.method == "GET":
        form.geojson.data = area.geometry
    if form.validate_on_submit():
        try:
            redrawn = update_area(db.session, area, form.name.data, _geojson_text(form))
        except AreaError as exc:
            db.session.rollback()
            show_service_error(form, exc, "geojson")
        else:
            if redrawn:
                # Rows that pointed to the area are looked at again wherever they are.
                reassign_in_box(db.session, area_box(area), area.id)
            db.session.commit()
            flash(_("The area %(name)s is saved.", name=area.name), "success")
            if redrawn:
                _flash_contents(area)
            return redirect(url_for("orgs.routing.areas"))
    return _area_form_page(form, area, 400 if form.is_submitted() else 200)


@bp.post("/areas/<int:area_id>/delete")
@admin_required
def delete_area_view(area_id: int):
    area = db.get_or_404(Area, area_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("orgs.routing.areas"))
    name, box = area.name, area_box(area)
    delete_area(db.session, area)
    reassign_in_box(db.session, box)  # what was in it may lie in a larger area too
    db.session.commit()
    flash(_("The area %(name)s and its routing rules are deleted.", name=name), "success")
    return redirect(url_for("orgs.routing.areas"))


# --- routing rules -----------------------------------------------------------------------------


@bp.route("/routing", methods=["GET", "POST"])
@admin_required
def rules():
    table = rules_table(db.session)
    administrations = list(
        db.session.scalars(select(Administration).order_by(func.lower(Administration.name)))
    )
    form = rules_form(table, administrations)
    if form.validate_on_submit():
        try:
            counts = save_rules(db.session, form.assignments())
        except RoutingError:
            db.session.rollback()
            abort_with(
                400, _("The rules refer to an area or administration that no longer exists.")
            )
        db.session.commit()
        if any(counts.values()):
            message = _(
                "Routing rules saved: %(created)d added, %(changed)d changed, %(deleted)d removed.",
                **counts,
            )
        else:
            message = _("Nothing changed.")
        flash(message, "success")
        return redirect(url_for("orgs.routing.rules"))
    status = 400 if form.errors else 200
    return render_template(
        "orgs/routing.html", form=form, table=table, administrations=administrations
    ), status
