"""Admin pages for areas (as pasted or uploaded GeoJSON) and the routing rules table."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldapp.areas.models import Area
from fieldapp.areas.services import (
    MAX_GEOJSON_CHARS,
    AreaError,
    create_area,
    delete_area,
    list_areas,
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


def _areas_page(form: AreaForm, status: int = 200):
    return render_template(
        "orgs/areas.html",
        form=form,
        areas=list_areas(db.session),
        rule_counts=rule_counts_by_area(db.session),
        confirm_form=ConfirmForm(),
    ), status


@bp.get("/areas")
@admin_required
def areas():
    return _areas_page(AreaForm())


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
            db.session.commit()
            flash(_("The area %(name)s is added.", name=area.name), "success")
            return redirect(url_for("orgs.routing.areas"))
    return _areas_page(form, 400)


@bp.post("/areas/<int:area_id>/delete")
@admin_required
def delete_area_view(area_id: int):
    area = db.get_or_404(Area, area_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("orgs.routing.areas"))
    name = area.name
    delete_area(db.session, area)
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
