"""Coordinator pages: plan a meeting, run it (QR, findings, decisions), close it."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from fieldapp.auth.permissions import coordinator_required
from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings import minutes_views, presenter_views
from fieldapp.meetings.findings import meeting_findings
from fieldapp.meetings.forms import DecisionForm, MeetingForm, NotesForm, StatusForm
from fieldapp.meetings.minutes import build_minutes
from fieldapp.meetings.models import Meeting
from fieldapp.meetings.phone_views import meeting_join_url
from fieldapp.meetings.services import (
    MEETING_STATUS_LABELS,
    MeetingError,
    local_date,
    meetings_page,
    record_decision,
    save_meeting,
    set_status,
)
from fieldapp.orgs.forms import administration_choices
from fieldapp.orgs.services import administration_options
from fieldapp.paging import requested_page
from fieldapp.plans.models import ACTION_STATUS_LABELS
from fieldapp.walks.qr import qr_png, qr_svg
from fieldapp.walks.services import utc_to_local

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
bp.register_blueprint(presenter_views.bp)
bp.register_blueprint(minutes_views.bp)


def get_meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@bp.get("/")
@coordinator_required
def index():
    return render_template(
        "meetings/index.html",
        page=meetings_page(db.session, requested_page()),
        MEETING_STATUS_LABELS=MEETING_STATUS_LABELS,
    )


def _meeting_form(meeting: Meeting | None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    groups = db.session.scalars(db.select(LocalGroup).order_by(LocalGroup.name)).all()
    form.group_id.choices = [SelectChoice("", _("— choose a group —"))] + [
        SelectChoice(str(g.id), g.name + (f" ({g.area.name})" if g.area else "")) for g in groups
    ]
    if request.method == "GET":
        if meeting is not None:
            form.starts_at.data = utc_to_local(meeting.starts_at, _tz())
        elif request.args.get("group", "").isdigit():
            form.group_id.data = int(request.args["group"])
    return form


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def create():
    return _edit(None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(meeting_id: int):
    return _edit(get_meeting_or_404(meeting_id))


def _edit(meeting: Meeting | None):
    form = _meeting_form(meeting)
    if form.validate_on_submit():
        group = db.get_or_404(LocalGroup, form.group_id.data)
        saved = save_meeting(db.session, meeting, group, form.data, _tz(), current_user.id)
        db.session.commit()
        flash(_("The meeting is saved. Show the QR code so participants can join."), "success")
        return redirect(url_for("meetings.detail", meeting_id=saved.id))
    return render_template("meetings/form.html", form=form, meeting=meeting), (
        400 if form.errors else 200
    )


def _decision_form(meeting: Meeting, prefix: str, formdata=None) -> DecisionForm:
    kwargs = {} if formdata is not None else {"formdata": None}
    form = DecisionForm(prefix=prefix, **kwargs)
    form.action_administration_id.choices = administration_choices(
        administration_options(db.session), empty_label=_("— choose —")
    )
    form.meeting_day = local_date(meeting.starts_at, _tz())
    return form


def _detail(
    meeting: Meeting,
    failed: tuple[str, DecisionForm] | None = None,
    status=200,
    focus: int | None = None,
):
    """The meeting page with one page of findings (`?page=`); `focus`: show that issue's page."""
    findings = meeting_findings(db.session, meeting, page=requested_page(), focus=focus)
    forms = {f"f{f.issue.id}": _decision_form(meeting, f"f{f.issue.id}") for f in findings.rows}
    forms["general"] = _decision_form(meeting, "general")
    if failed:
        forms[failed[0]] = failed[1]
    minutes = build_minutes(db.session, meeting)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        findings=findings,
        forms=forms,
        failed=failed[0] if failed else None,
        minutes=minutes,
        join_url=meeting_join_url(meeting),
        status_form=StatusForm(status=meeting.status),
        notes_form=NotesForm(formdata=None, notes=meeting.notes),
        today=local_date(utcnow(), _tz()),
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        MEETING_STATUS_LABELS=MEETING_STATUS_LABELS,
    ), status


@bp.get("/<int:meeting_id>")
@coordinator_required
def detail(meeting_id: int):
    return _detail(get_meeting_or_404(meeting_id))


@bp.post("/<int:meeting_id>/decisions", defaults={"issue_id": None})
@bp.post("/<int:meeting_id>/findings/<int:issue_id>/decision")
@coordinator_required
def decide(meeting_id: int, issue_id: int | None):
    """Record a decision, with an action item when its fields are filled; one form, one POST."""
    meeting = get_meeting_or_404(meeting_id)
    page = requested_page()  # the findings page the form was on; checked before anything is saved
    prefix = f"f{issue_id}" if issue_id else "general"
    form = _decision_form(meeting, prefix, formdata=request.form)
    if not form.validate_on_submit():
        return _detail(meeting, (prefix, form), 400, focus=issue_id)
    try:
        _decision, item = record_decision(
            db.session, meeting, issue_id, form.text.data, current_user.id, form.action_data()
        )
    except MeetingError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if item is not None:
        flash(_("The decision and its action item are recorded."), "success")
    else:
        flash(_("The decision is recorded."), "success")
    back = url_for("meetings.detail", meeting_id=meeting.id, page=page if page > 1 else None)
    return redirect(back + "#decisions", 303)


@bp.post("/<int:meeting_id>/status")
@coordinator_required
def change_status(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id)
    form = StatusForm()
    if form.validate_on_submit():
        set_status(db.session, meeting, form.status.data)
        db.session.commit()
        flash(_("Status changed."), "success")
    else:
        flash(_("Choose a valid status."), "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id), 303)


@bp.post("/<int:meeting_id>/notes")
@coordinator_required
def save_notes(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id)
    form = NotesForm()
    if not form.validate_on_submit():
        flash(
            _(
                "The notes could not be saved: %(error)s",
                error=" ".join(str(e) for errs in form.errors.values() for e in errs),
            ),
            "error",
        )
        return _detail(meeting, status=400)
    meeting.notes = form.notes.data or ""
    db.session.commit()
    flash(_("The notes are saved."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#notes", 303)


@bp.get("/<int:meeting_id>/qr.<any(png, svg):ext>")
@coordinator_required
def qr(meeting_id: int, ext: str):
    meeting = get_meeting_or_404(meeting_id)
    url = meeting_join_url(meeting)
    data, mimetype = (qr_png(url), "image/png") if ext == "png" else (qr_svg(url), "image/svg+xml")
    resp = Response(data, mimetype=mimetype)
    if request.args.get("download"):
        name = f"meeting-{meeting.id}-qr.{ext}"
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp
