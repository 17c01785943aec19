"""Admin pages for staff accounts: list, create, change role, administration and access."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from fieldapp.audit.services import record
from fieldapp.auth.models import User
from fieldapp.auth.permissions import admin_required
from fieldapp.extensions import db
from fieldapp.orgs.forms import (
    DeactivateForm,
    UserCreateForm,
    UserEditForm,
    administration_choices,
    show_service_error,
)
from fieldapp.orgs.ownership import (
    KIND_LABELS,
    OwnershipError,
    deactivate_user,
    open_items_owned_by,
    owners_by_organisation,
)
from fieldapp.orgs.services import (
    ROLE_LABELS,
    OrgError,
    administration_options,
    create_account,
    update_account,
    users_page,
)
from fieldapp.paging import requested_page

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
@admin_required
def index():
    page = users_page(db.session, requested_page())
    return render_template("orgs/users.html", page=page, role_labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    form = UserCreateForm()
    form.administration_id.choices = administration_choices(administration_options(db.session))
    if form.validate_on_submit():
        try:
            user = create_account(
                db.session,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                administration_id=form.administration_id.data,
            )
        except OrgError as exc:
            db.session.rollback()
            show_service_error(form, exc, "email")
        else:
            db.session.flush()
            record(db.session, current_user, "user.created", "user", user.id, {"role": user.role})
            db.session.commit()
            flash(_("The account for %(email)s is created.", email=user.email), "success")
            return redirect(url_for("orgs.users.index"))
    status = 400 if form.errors else 200
    return render_template("orgs/user_form.html", form=form, user=None), status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    form.account_email = user.email
    form.administration_id.choices = administration_choices(
        administration_options(db.session, keep_id=user.administration_id)
    )
    if form.validate_on_submit():
        try:
            update_account(
                db.session,
                user,
                role=form.role.data,
                administration_id=form.administration_id.data,
                active=form.active.data,
                acting_user=current_user,
                new_password=form.new_password.data or None,
            )
        except OrgError as exc:
            db.session.rollback()
            show_service_error(form, exc, "role")
        else:
            changes = {
                "role": user.role,
                "administration_id": user.administration_id,
                "active": user.active,
                "password_changed": bool(form.new_password.data),
            }
            record(db.session, current_user, "user.changed", "user", user.id, changes)
            db.session.commit()
            flash(_("The account for %(email)s is saved.", email=user.email), "success")
            return redirect(url_for("orgs.users.index"))
    status = 400 if form.errors else 200
    return render_template("orgs/user_form.html", form=form, user=user), status


def _successor_choices(user: User) -> list[SelectChoice]:
    choices = [SelectChoice("", _("— choose —"))]
    for org, members in owners_by_organisation(db.session):
        choices += [
            SelectChoice(str(m.id), f"{m.name} ({org.label})") for m in members if m.id != user.id
        ]
    return choices


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate(user_id: int):
    """Deactivate with handover: refused while open items have nowhere to go."""
    user = db.get_or_404(User, user_id)
    form = DeactivateForm()
    form.successor.choices = _successor_choices(user)
    owned = open_items_owned_by(db.session, user.id)
    total = sum(len(items) for items in owned.values())
    if form.validate_on_submit():
        if user.id == current_user.id:
            form.handover.errors = [_("You cannot deactivate yourself.")]
        else:
            successor = db.session.get(User, form.successor.data) if form.successor.data else None
            try:
                handover = deactivate_user(
                    db.session,
                    user,
                    current_user,
                    successor=successor if form.handover.data == "successor" else None,
                    to_unassigned=form.handover.data == "unassigned",
                    reason=_("Handover: %(email)s was deactivated.", email=user.email),
                )
            except OwnershipError as exc:
                db.session.rollback()
                show_service_error(form, exc, "handover")
            else:
                db.session.commit()
                flash(
                    ngettext(
                        "%(email)s is deactivated; %(num)d open item was moved.",
                        "%(email)s is deactivated; %(num)d open items were moved.",
                        handover.total,
                        email=user.email,
                    ),
                    "success",
                )
                return redirect(url_for("orgs.users.index"))
    status = 400 if form.errors else 200
    return render_template(
        "orgs/user_deactivate.html",
        form=form,
        user=user,
        owned=owned,
        total=total,
        kind_labels=KIND_LABELS,
    ), status
