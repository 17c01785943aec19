"""Phones at a meeting, joined by QR code without an account: vote on findings, add observations.

Every page works without JavaScript (forms and redirects); vote.js upgrades the vote buttons to
fetch() and asks for JSON, which these views answer when the request prefers it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from fieldapp.areas.models import Area
from fieldapp.errors import abort_with, wants_json
from fieldapp.extensions import db, limiter
from fieldapp.meetings.findings import meeting_findings
from fieldapp.meetings.forms import JoinMeetingForm, MeetingObservationForm, VoteForm
from fieldapp.meetings.models import Meeting, MeetingParticipant
from fieldapp.meetings.services import (
    MeetingError,
    add_meeting_observation,
    cast_vote,
    join_meeting,
    participant_votes,
    undo_vote,
    votes_left,
)
from fieldapp.paging import requested_page

bp = Blueprint("meeting_join", __name__, url_prefix="/m")

_KEY = "meeting_participants"


def get_meeting_by_token_or_404(token: str) -> Meeting:
    """:raise 404: unknown token (the same answer for a mistyped and a guessed one)."""
    return db.one_or_404(db.select(Meeting).filter_by(join_token=token))


def meeting_join_url(meeting: Meeting) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("meeting_join.join", token=meeting.join_token)
    return url_for("meeting_join.join", token=meeting.join_token, _external=True)


def current_participant(meeting: Meeting) -> MeetingParticipant | None:
    """The participant this browser joined `meeting` as (from the signed cookie), or None."""
    pid = session.get(_KEY, {}).get(str(meeting.id))
    if pid is None:
        return None
    participant = db.session.get(MeetingParticipant, pid)
    if participant is None or participant.meeting_id != meeting.id:
        return None
    return participant


def remember_participant(participant: MeetingParticipant) -> None:
    joined = dict(session.get(_KEY, {}))
    joined[str(participant.meeting_id)] = participant.id
    session[_KEY] = joined
    session.permanent = True


def map_center(meeting: Meeting) -> str:
    """ "lat,lon" of the middle of the meeting's area, or of Aalborg when it has none."""
    area = db.session.get(Area, meeting.area_id) if meeting.area_id else None
    if area is None:
        return "57.048,9.921"
    return f"{(area.south + area.north) / 2:.6f},{(area.west + area.east) / 2:.6f}"


def _phone_key() -> str:
    """Rate-limit per joined phone, not per address: a meeting's phones share the venue Wi-Fi."""
    joined = session.get(_KEY, {})
    if not joined:
        return get_remote_address()
    return "meeting-phone:" + ",".join(f"{k}={v}" for k, v in sorted(joined.items()))


def _closed_message() -> str:
    return _("The meeting is closed, so votes and observations can no longer be added.")


@bp.route("/<token>", methods=["GET", "POST"])
# Generous: thirty people joining from one venue Wi-Fi in the first minute is normal.
@limiter.limit("120 per minute", methods=["POST"])
def join(token: str):
    meeting = get_meeting_by_token_or_404(token)
    if current_participant(meeting) is not None:
        return redirect(url_for("meeting_join.findings", token=token))
    form = JoinMeetingForm()
    if meeting.status == "closed":
        return render_template(
            "meetings/phone_join.html", meeting=meeting, form=None, closed_message=_closed_message()
        ), (409 if form.is_submitted() else 200)
    if form.validate_on_submit():
        participant = join_meeting(
            db.session, meeting, form.role.data, form.display_name.data, form.name_in_minutes.data
        )
        db.session.commit()
        remember_participant(participant)
        return redirect(url_for("meeting_join.findings", token=token))
    return render_template("meetings/phone_join.html", meeting=meeting, form=form), (
        400 if form.errors else 200
    )


def _focus() -> int | None:
    """The `finding` query argument: an issue whose page of findings to show (after a vote).

    :raise 400: not a whole number (a link was mangled).
    """
    value = request.args.get("finding")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 12:
        abort_with(400, _("The finding in the link is not valid. Go back to the list of findings."))
    return int(value)


def _phone_page(
    meeting: Meeting,
    participant: MeetingParticipant,
    error: str | None,
    status=200,
    focus: int | None = None,
):
    """One page of findings (`?page=`, or the page of `focus` / `?finding=`)."""
    mine = participant_votes(db.session, participant)
    page = requested_page()
    focus = focus if focus is not None else _focus()
    return render_template(
        "meetings/phone_findings.html",
        meeting=meeting,
        findings=meeting_findings(db.session, meeting, by_votes=False, page=page, focus=focus),
        mine=mine,
        left=votes_left(db.session, meeting, participant),
        vote_form=VoteForm(),
        error=error,
    ), status


@bp.get("/<token>/findings")
def findings(token: str):
    meeting = get_meeting_by_token_or_404(token)
    participant = current_participant(meeting)
    if participant is None:
        return redirect(url_for("meeting_join.join", token=token))
    return _phone_page(meeting, participant, None)


def _vote(token: str, issue_id: int, action):
    """Shared by vote and undo: CSRF, the join cookie, then the service decides."""
    meeting = get_meeting_by_token_or_404(token)
    participant = current_participant(meeting)
    if participant is None:
        message = _("Join the meeting first: scan the QR code or open the join link.")
        if wants_json():
            return jsonify(error=message), 403
        flash(message, "error")
        return redirect(url_for("meeting_join.join", token=token), 303)
    if not VoteForm().validate_on_submit():
        message = _("The form expired. Reload the page and try again.")
        return (
            (jsonify(error=message), 400)
            if wants_json()
            else _phone_page(meeting, participant, message, 400, focus=issue_id)
        )
    try:
        left = action(db.session, meeting, participant, issue_id)
    except MeetingError as exc:
        db.session.rollback()
        status = 404 if exc.code == "not_a_finding" else 409
        if wants_json():
            return jsonify(error=_(exc.message), code=exc.code), status
        return _phone_page(meeting, participant, _(exc.message), status, focus=issue_id)
    db.session.commit()
    if wants_json():
        mine = participant_votes(db.session, participant).get(issue_id, 0)
        return jsonify(
            issue_id=issue_id,
            mine=mine,
            mine_message=_("Your votes here: %(num)d", num=mine),
            left=left,
            total=meeting.votes_per_participant,
            message=_(
                "You have %(left)d of %(total)d votes left.",
                left=left,
                total=meeting.votes_per_participant,
            ),
        )
    back = url_for("meeting_join.findings", token=token, finding=issue_id)
    return redirect(back + f"#finding-{issue_id}", 303)


@bp.post("/<token>/findings/<int:issue_id>/vote")
@limiter.limit("60 per minute", key_func=_phone_key)
def vote(token: str, issue_id: int):
    return _vote(token, issue_id, cast_vote)


@bp.post("/<token>/findings/<int:issue_id>/undo")
@limiter.limit("60 per minute", key_func=_phone_key)
def undo(token: str, issue_id: int):
    return _vote(token, issue_id, undo_vote)


@bp.route("/<token>/observe", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"], key_func=_phone_key)
def observe(token: str):
    meeting = get_meeting_by_token_or_404(token)
    if current_participant(meeting) is None:
        return redirect(url_for("meeting_join.join", token=token))
    if meeting.status == "closed":
        return render_template(
            "meetings/phone_observe.html",
            meeting=meeting,
            form=None,
            closed_message=_closed_message(),
        ), (409 if request.method == "POST" else 200)
    form = MeetingObservationForm()
    if form.validate_on_submit():
        fields = ("category", "text", "lat", "lon", "location_source", "client_key")
        try:
            add_meeting_observation(db.session, meeting, {n: form[n].data for n in fields})
        except MeetingError as exc:
            db.session.rollback()
            return render_template(
                "meetings/phone_observe.html",
                meeting=meeting,
                form=None,
                closed_message=_(exc.message),
            ), 409
        db.session.commit()
        flash(_("Thank you. Your observation is on the screen now."), "success")
        return redirect(url_for("meeting_join.findings", token=token), 303)
    return render_template(
        "meetings/phone_observe.html", meeting=meeting, form=form, center=map_center(meeting)
    ), (400 if form.errors else 200)
