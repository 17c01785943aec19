"""Admin pages: the overview and administrations. Users, areas and rules hang off the same
blueprint as nested blueprints (user_views, routing_views), all under /admin and admins only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldapp.areas.models import Area
from fieldapp.auth.models import User
from fieldapp.auth.permissions import admin_required
from fieldapp.extensions import db
from fieldapp.orgs import routing_views, user_views
from fieldapp.orgs.forms import AdministrationForm, ConfirmForm, show_service_error
from fieldapp.orgs.models import ADMINISTRATION_KIND_LABELS, Administration
from fieldapp.orgs.ownership import organisations_without_active_members
from fieldapp.orgs.services import (
    OrgError,
    list_administrations,
    remove_administration,
    save_administration,
)
from fieldapp.routing.models import RoutingRule

bp = Blueprint("orgs", __name__, url_prefix="/admin")
bp.register_blueprint(user_views.bp)
bp.register_blueprint(routing_views.bp)


@bp.get("/")
@admin_required
def index():
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return render_template(
        "orgs/index.html",
        administrations=count(Administration, Administration.active.is_(True)),
        users=count(User, User.active.is_(True)),
        areas=count(Area),
        rules=count(RoutingRule),
        without_members=organisations_without_active_members(db.session),
    )


@bp.get("/administrations")
@admin_required
def administrations():
    return render_template(
        "orgs/administrations.html",
        rows=list_administrations(db.session),
        kind_labels=ADMINISTRATION_KIND_LABELS,
        confirm_form=ConfirmForm(),
    )


@bp.route("/administrations/new", methods=["GET", "POST"])
@admin_required
def create_administration():
    return _administration_form(None)


@bp.route("/administrations/<int:administration_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_administration(administration_id: int):
    return _administration_form(db.get_or_404(Administration, administration_id))


def _administration_form(administration: Administration | None):
    form = AdministrationForm(obj=administration)
    if form.validate_on_submit():
        names = ("name", "short_name", "kind", "emails", "description", "active")
        fields = {name: form[name].data for name in names}
        try:
            saved = save_administration(db.session, administration, **fields)
        except OrgError as exc:
            db.session.rollback()
            show_service_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("orgs.administrations"))
    status = 400 if form.errors else 200
    return render_template(
        "orgs/administration_form.html", form=form, administration=administration
    ), status


@bp.post("/administrations/<int:administration_id>/remove")
@admin_required
def remove_administration_view(administration_id: int):
    administration = db.get_or_404(Administration, administration_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("orgs.administrations"))
    name = administration.name
    outcome = remove_administration(db.session, administration)
    db.session.commit()
    if outcome == "deleted":
        flash(_("%(name)s is deleted.", name=name), "success")
    else:
        flash(
            _(
                "%(name)s has issues, walks, action items, history or staff, so it is "
                "deactivated instead of deleted. "
                "Its routing rules are skipped until it is active again.",
                name=name,
            ),
            "info",
        )
    return redirect(url_for("orgs.administrations"))
