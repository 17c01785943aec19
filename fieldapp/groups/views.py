"""Coordinator pages for local groups and their members."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from fieldapp.areas.services import list_areas
from fieldapp.auth.permissions import coordinator_required
from fieldapp.extensions import db
from fieldapp.groups.forms import ConfirmForm, GroupForm, MemberForm
from fieldapp.groups.models import MEMBER_ROLE_LABELS, GroupMember, LocalGroup
from fieldapp.groups.services import (
    add_member,
    apply_member,
    group_meetings,
    list_groups,
    save_group,
)
from fieldapp.meetings.services import MEETING_STATUS_LABELS

bp = Blueprint("groups", __name__, url_prefix="/groups")

MEMBER_FIELDS = ("name", "role", "organisation", "email", "contact_consent")


def get_group_or_404(group_id: int) -> LocalGroup:
    return db.get_or_404(LocalGroup, group_id)


def get_member_or_404(group: LocalGroup, member_id: int) -> GroupMember:
    """:raise 404: unknown member, or one of another group (ids are not guessed across groups)."""
    member = db.session.get(GroupMember, member_id)
    if member is None or member.group_id != group.id:
        abort(404)
    return member


def _group_form(group: LocalGroup | None) -> GroupForm:
    form = GroupForm(obj=group)
    form.area_id.choices = [SelectChoice("", _("— no area —"))] + [
        SelectChoice(str(a.id), a.name) for a in list_areas(db.session)
    ]
    return form


@bp.get("/")
@coordinator_required
def index():
    return render_template("groups/index.html", rows=list_groups(db.session))


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():
    return _edit(None)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(group_id: int):
    return _edit(get_group_or_404(group_id))


def _edit(group: LocalGroup | None):
    form = _group_form(group)
    if form.validate_on_submit():
        saved = save_group(
            db.session, group, form.name.data, form.area_id.data, form.description.data
        )
        db.session.commit()
        flash(_("The group %(name)s is saved.", name=saved.name), "success")
        return redirect(url_for("groups.detail", group_id=saved.id))
    return render_template("groups/form.html", form=form, group=group), (
        400 if form.errors else 200
    )


def _detail(group: LocalGroup, member_form: MemberForm, status: int = 200):
    return render_template(
        "groups/detail.html",
        group=group,
        member_form=member_form,
        confirm_form=ConfirmForm(),
        meetings=group_meetings(db.session, group.id),
        role_labels=MEMBER_ROLE_LABELS,
        MEETING_STATUS_LABELS=MEETING_STATUS_LABELS,
    ), status


@bp.get("/<int:group_id>")
@coordinator_required
def detail(group_id: int):
    return _detail(get_group_or_404(group_id), MemberForm(formdata=None))


@bp.post("/<int:group_id>/members")
@coordinator_required
def add_member_view(group_id: int):
    group = get_group_or_404(group_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return _detail(group, form, 400)
    member = add_member(db.session, group, {name: form[name].data for name in MEMBER_FIELDS})
    db.session.commit()
    flash(_("%(name)s is added to the group.", name=member.name), "success")
    return redirect(url_for("groups.detail", group_id=group.id) + "#members")


@bp.route("/<int:group_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_member(group_id: int, member_id: int):
    group = get_group_or_404(group_id)
    member = get_member_or_404(group, member_id)
    form = MemberForm(obj=member)
    if form.validate_on_submit():
        apply_member(member, {name: form[name].data for name in MEMBER_FIELDS})
        db.session.commit()
        flash(_("%(name)s is saved.", name=member.name), "success")
        return redirect(url_for("groups.detail", group_id=group.id) + "#members")
    return render_template("groups/member_form.html", form=form, group=group, member=member), (
        400 if form.errors else 200
    )


@bp.post("/<int:group_id>/members/<int:member_id>/delete")
@coordinator_required
def delete_member(group_id: int, member_id: int):
    group = get_group_or_404(group_id)
    member = get_member_or_404(group, member_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("groups.detail", group_id=group.id))
    name = member.name
    db.session.delete(member)
    db.session.commit()
    flash(_("%(name)s is removed from the group.", name=name), "success")
    return redirect(url_for("groups.detail", group_id=group.id) + "#members")
