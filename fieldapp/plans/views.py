"""The action plan pages: every action item per area, whoever created it, and its progress.

Coordinators see and edit everything; administration staff see their administration's items
and may move them along (the same rule as their triage queue).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from fieldapp.areas.models import Area
from fieldapp.areas.services import list_areas
from fieldapp.auth.permissions import coordinator_required
from fieldapp.db import utcnow
from fieldapp.errors import abort_with
from fieldapp.extensions import db
from fieldapp.orgs.owner_forms import owner_choices_any
from fieldapp.orgs.ownership import OwnershipError, set_owner
from fieldapp.paging import requested_page
from fieldapp.plans.forms import ActionItemForm, ItemStatusForm
from fieldapp.plans.models import ACTION_STATUS_LABELS, ACTION_STATUSES, ActionItem
from fieldapp.plans.services import (
    STATUS_FILTER_CODES,
    STATUS_FILTERS,
    PlanError,
    PlanFilter,
    area_overview,
    is_overdue,
    items_page,
    may_update_status,
    save_item,
    set_status,
    sources_for,
    status_counts,
)
from fieldapp.triage.access import is_staff, triage_user_required
from fieldapp.triage.view_helpers import administrations, timezone

bp = Blueprint("plans", __name__, url_prefix="/plans")


def today() -> date:
    from zoneinfo import ZoneInfo

    return utcnow().astimezone(ZoneInfo(timezone())).date()


def error_message(code: str) -> str:
    messages = {
        "description_required": _("Describe what is to be done."),
        "description_too_long": _("Keep the description under 2000 characters."),
        "owner_required": _("Choose the responsible administration or name a person or group."),
        "unknown_administration": _("Choose an administration from the list."),
        "unknown_area": _("Choose an area from the list."),
        "unknown_status": _("Choose a status from the list."),
    }
    return messages.get(code, _("That change is not possible."))


def _staff_administration() -> int | None:
    """The staff user's administration; :raise 403: staff account without one."""
    if not is_staff(current_user):
        return None
    if current_user.administration_id is None:
        abort_with(403, _("Your account is not linked to an administration. Ask an admin."))
    return current_user.administration_id


def _parse_filter(area: Area | None) -> tuple[PlanFilter, dict[str, str]]:
    errors: dict[str, str] = {}
    status = request.args.get("status", "").strip() or "all"
    if status not in STATUS_FILTER_CODES:
        errors["status"] = _("Choose a status from the list.")
        status = "all"
    admin_id = None
    raw_admin = request.args.get("administration", "").strip()
    if raw_admin:
        if raw_admin.isdigit() and len(raw_admin) < 12:
            admin_id = int(raw_admin)
        else:
            errors["administration"] = _("Choose an administration from the list.")
    area_id, without_area = (area.id if area else None), False
    raw_area = request.args.get("area", "").strip()
    if area is None and raw_area:
        if raw_area == "none":
            without_area = True
        elif raw_area.isdigit() and len(raw_area) < 12 and db.session.get(Area, int(raw_area)):
            area_id = int(raw_area)
        else:
            errors["area"] = _("Choose an area from the list.")
    staff_admin = _staff_administration()
    if staff_admin is not None:
        admin_id = staff_admin
    return PlanFilter(area_id, status, admin_id, without_area), errors


def source_links(item: ActionItem, sources) -> list[tuple[str, str | None]]:
    """(label, url or None) for the meeting, decision and issue an item came from."""

    def link(endpoint: str, **values) -> str | None:
        try:
            return url_for(endpoint, **values)
        except BuildError:  # the meetings pages may not offer this view
            return None

    links: list[tuple[str, str | None]] = []
    if item.meeting_id in sources.meetings:
        meeting = sources.meetings[item.meeting_id]
        links.append(
            (
                _("Meeting: %(title)s", title=meeting.title),
                link("meetings.detail", meeting_id=meeting.id),
            )
        )
    if item.decision_id in sources.decisions:
        text = sources.decisions[item.decision_id].text
        label = text if len(text) <= 80 else text[:79] + "…"
        links.append((_("Decision: %(text)s", text=label), None))
    if item.issue_id in sources.issues:
        issue_id, title = sources.issues[item.issue_id]
        links.append(
            (
                _("Issue #%(id)d %(title)s", id=issue_id, title=title),
                url_for("triage.issue", issue_id=issue_id),
            )
        )
    return links


def _render_plan(area: Area | None):
    f, errors = _parse_filter(area)
    day = today()
    page = items_page(db.session, f, day, requested_page())
    items = page.rows
    sources = sources_for(db.session, items)
    staff_admin = _staff_administration()
    coordinates = current_user.can_coordinate
    editable = {
        i.id
        for i in items
        if may_update_status(i, coordinates=coordinates, administration_id=staff_admin)
    }
    return render_template(
        "plans/index.html",
        area=area,
        items=items,
        page=page,
        page_args={k: v for k, v in request.args.items() if k != "page"},
        filters=f,
        errors=errors,
        counts=status_counts(db.session, f, day),
        overview=area_overview(db.session, day) if area is None and coordinates else [],
        areas=list_areas(db.session),
        administrations=administrations(),
        sources=sources,
        source_links=source_links,
        is_overdue=lambda item: is_overdue(item, day),
        editable=editable,
        status_form=ItemStatusForm(),
        STATUS_FILTERS=STATUS_FILTERS,
        ACTION_STATUSES=ACTION_STATUSES,
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        staff=staff_admin is not None,
    ), 400 if errors else 200


@bp.get("/")
@triage_user_required
def index():
    return _render_plan(None)


@bp.get("/area/<int:area_id>")
@triage_user_required
def area_plan(area_id: int):
    return _render_plan(db.get_or_404(Area, area_id))


def _form_choices(form: ActionItemForm, item: ActionItem | None) -> None:
    form.area_id.choices = [SelectChoice("", _("— the whole municipality —"))] + [
        SelectChoice(str(a.id), a.name) for a in list_areas(db.session)
    ]
    current = item.administration_id if item else None
    form.administration_id.choices = [SelectChoice("", _("— none (a person or group) —"))] + [
        SelectChoice(str(a.id), a.name if a.active else _("%(name)s (inactive)", name=a.name))
        for a in administrations()
        if a.active or a.id == current
    ]
    form.owner_id.choices = owner_choices_any(db.session)


def _back_url(area_id: int | None) -> str:
    return url_for("plans.area_plan", area_id=area_id) if area_id else url_for("plans.index")


def _item_form(item: ActionItem | None):
    form = ActionItemForm(obj=item)
    _form_choices(form, item)
    if item is None and request.method == "GET":
        raw = request.args.get("area", "")
        if raw.isdigit() and len(raw) < 12 and db.session.get(Area, int(raw)):
            form.area_id.data = int(raw)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            old_admin = item.administration_id if item else None
            try:
                saved = save_item(
                    db.session,
                    item,
                    description=form.description.data,
                    area_id=form.area_id.data,
                    administration_id=form.administration_id.data,
                    responsible_person=form.responsible_person.data or "",
                    deadline=form.deadline.data,
                    status=form.status.data,
                    is_initiative=form.is_initiative.data,
                )
                # Owner and organisation change together, so the move is recorded as one.
                new_admin, saved.administration_id = saved.administration_id, old_admin
                set_owner(
                    db.session,
                    saved,
                    form.owner_id.data,
                    current_user,
                    administration_id=new_admin,
                )
            except PlanError as exc:
                db.session.rollback()
                target = {"owner_required": form.responsible_person}.get(exc.code, form.description)
                target.errors = [*target.errors, error_message(exc.code)]
            except OwnershipError as exc:
                db.session.rollback()
                form.owner_id.errors = [*form.owner_id.errors, _(exc.message, **exc.params)]
            else:
                db.session.commit()
                flash(_("The action item is saved."), "success")
                return redirect(_back_url(saved.area_id) + f"#item-{saved.id}")
        status = 400
    return render_template(
        "plans/form.html", form=form, item=item, back_url=_back_url(form.area_id.data)
    ), status


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new_item():
    return _item_form(None)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_item(item_id: int):
    return _item_form(db.get_or_404(ActionItem, item_id))


@bp.post("/<int:item_id>/status")
@triage_user_required
def change_status(item_id: int):
    """:raise 404: unknown, or (staff) another administration's item."""
    item = db.get_or_404(ActionItem, item_id)
    staff_admin = _staff_administration()
    if not may_update_status(
        item, coordinates=current_user.can_coordinate, administration_id=staff_admin
    ):
        abort(404)
    form = ItemStatusForm()
    if not form.validate_on_submit():
        abort_with(400, _("Choose a status from the list."))
    changed = set_status(item, form.status.data)
    db.session.commit()
    if changed:
        flash(
            _("Status set to “%(status)s”.", status=_(ACTION_STATUS_LABELS[item.status])),
            "success",
        )
    back = request.form.get("back", "")
    if not back.startswith("/plans") or back.startswith("//"):
        back = _back_url(item.area_id)
    return redirect(back.split("#")[0] + f"#item-{item.id}")
