"""Meeting rules: the area's findings, dot votes, decisions with action items, live state.

Plain functions on a session (no Flask). Every change that a presenter screen shows bumps
meeting.revision with one UPDATE, which also serialises concurrent votes on the meeting's row,
so a participant double-tapping on two phones cannot spend more dots than allowed.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from fieldapp.areas.assign import assign_observation
from fieldapp.capture.models import Observation
from fieldapp.capture.services import find_by_client_key
from fieldapp.groups.models import LocalGroup
from fieldapp.meetings.findings import is_finding, vote_totals
from fieldapp.meetings.models import Decision, Meeting, MeetingParticipant, Vote
from fieldapp.paging import Page, paginate
from fieldapp.plans.models import ActionItem
from fieldapp.taxonomy import CATEGORY_BY_CODE, N_, PARTICIPANT_ROLE_LABELS
from fieldapp.triage.models import Issue
from fieldapp.walks.services import local_to_utc

MEETING_STATUSES: tuple[tuple[str, str], ...] = (
    ("planned", N_("Planned")),
    ("running", N_("In progress")),
    ("closed", N_("Closed")),
)
MEETING_STATUS_LABELS = dict(MEETING_STATUSES)
MAX_VOTES = 10

# English message ids; views translate them.
ERRORS = {
    "closed": N_("The meeting is closed, so votes and observations can no longer be added."),
    "no_votes_left": N_("You have used all your votes. Take one back to vote for another finding."),
    "no_vote_to_undo": N_("You have no vote on this finding to take back."),
    "not_a_finding": N_("This finding is not open for votes at this meeting."),
    "unknown_status": N_("Choose a valid status."),
    "unknown_category": N_("Choose what the observation is about."),
    "unknown_role": N_("Choose how you take part."),
}


class MeetingError(ValueError):
    """A refused change; `code` picks the message in ERRORS."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return ERRORS[self.code]


# --- meetings ----------------------------------------------------------------------------------


def bump_revision(session: Session, meeting: Meeting) -> None:
    """Count one change; the row lock it takes makes concurrent votes on a meeting take turns."""
    session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(revision=Meeting.revision + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(meeting, ["revision", "status"])


def save_meeting(
    session: Session,
    meeting: Meeting | None,
    group: LocalGroup,
    data: dict,
    tz: str,
    created_by_id: int | None = None,
) -> Meeting:
    """Create or update a meeting; its area is the group's. `starts_at` is local time."""
    if meeting is None:
        meeting = Meeting(created_by_id=created_by_id)
        session.add(meeting)
    meeting.group_id = group.id
    meeting.area_id = group.area_id
    meeting.title = (data["title"] or "").strip()
    meeting.starts_at = local_to_utc(data["starts_at"], tz)
    meeting.place = (data.get("place") or "").strip()
    meeting.agenda = (data.get("agenda") or "").strip()
    meeting.votes_per_participant = max(1, min(MAX_VOTES, int(data["votes_per_participant"])))
    session.flush()
    bump_revision(session, meeting)
    return meeting


def set_status(session: Session, meeting: Meeting, status: str) -> None:
    if status not in MEETING_STATUS_LABELS:
        raise MeetingError("unknown_status")
    meeting.status = status
    session.flush()
    bump_revision(session, meeting)


MEETINGS_PER_PAGE = 30


def meetings_page(session: Session, number: int = 1, per_page: int = MEETINGS_PER_PAGE) -> Page:
    """Newest first, a page at a time: every group meets a few times a year, for years."""
    query = (
        select(Meeting)
        .options(selectinload(Meeting.group))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return paginate(session, query, number, per_page)


# --- participants and votes --------------------------------------------------------------------


def join_meeting(
    session: Session,
    meeting: Meeting,
    role: str,
    display_name: str | None,
    name_in_minutes: bool,
) -> MeetingParticipant:
    """A participant without an account; the name reaches the minutes only with consent."""
    if meeting.status == "closed":
        raise MeetingError("closed")
    if role not in PARTICIPANT_ROLE_LABELS:
        raise MeetingError("unknown_role")
    name = (display_name or "").strip() or None
    participant = MeetingParticipant(
        meeting=meeting,
        role=role,
        display_name=name,
        name_in_minutes=bool(name_in_minutes and name),
    )
    session.add(participant)
    session.flush()
    bump_revision(session, meeting)
    return participant


def participant_votes(session: Session, participant: MeetingParticipant) -> dict[int, int]:
    return dict(
        session.execute(
            select(Vote.issue_id, func.count())
            .where(Vote.participant_id == participant.id)
            .group_by(Vote.issue_id)
        ).all()
    )


def votes_left(session: Session, meeting: Meeting, participant: MeetingParticipant) -> int:
    spent = session.scalar(
        select(func.count()).select_from(Vote).where(Vote.participant_id == participant.id)
    )
    return max(0, meeting.votes_per_participant - (spent or 0))


def _lock_open(session: Session, meeting: Meeting) -> None:
    bump_revision(session, meeting)  # takes the row lock before anything is counted
    if meeting.status == "closed":  # re-read after the lock: it may have just closed
        raise MeetingError("closed")


def cast_vote(
    session: Session, meeting: Meeting, participant: MeetingParticipant, issue_id: int
) -> int:
    """Spend one dot on a finding; returns the dots left.

    :raise MeetingError: closed meeting, not one of its findings, or no dots left.
    """
    _lock_open(session, meeting)
    if not is_finding(session, meeting, issue_id):
        raise MeetingError("not_a_finding")
    left = votes_left(session, meeting, participant)
    if left <= 0:
        raise MeetingError("no_votes_left")
    session.add(Vote(meeting_id=meeting.id, participant_id=participant.id, issue_id=issue_id))
    session.flush()
    return left - 1


def undo_vote(
    session: Session, meeting: Meeting, participant: MeetingParticipant, issue_id: int
) -> int:
    """Take back the participant's latest dot on a finding; returns the dots left.

    :raise MeetingError: closed meeting, or no dot of theirs on it.
    """
    _lock_open(session, meeting)
    vote = session.scalar(
        select(Vote)
        .where(Vote.participant_id == participant.id, Vote.issue_id == issue_id)
        .order_by(Vote.id.desc())
        .limit(1)
    )
    if vote is None:
        raise MeetingError("no_vote_to_undo")
    session.delete(vote)
    session.flush()
    return votes_left(session, meeting, participant)


# --- decisions and action items ----------------------------------------------------------------


def create_action_item(
    session: Session,
    meeting: Meeting,
    decision: Decision,
    *,
    description: str,
    administration_id: int | None = None,
    responsible_person: str = "",
    deadline: date | None = None,
    is_initiative: bool = False,
) -> ActionItem:
    """An action item of the area's action plan, owned by an administration or a person."""
    item = ActionItem(
        area_id=meeting.area_id,
        meeting_id=meeting.id,
        decision_id=decision.id,
        issue_id=decision.issue_id,
        description=description.strip(),
        administration_id=administration_id,
        responsible_person=(responsible_person or "").strip(),
        deadline=deadline,
        status="open",
        is_initiative=bool(is_initiative),
    )
    session.add(item)
    session.flush()
    return item


def record_decision(
    session: Session,
    meeting: Meeting,
    issue_id: int | None,
    text: str,
    user_id: int | None = None,
    action: dict | None = None,
) -> tuple[Decision, ActionItem | None]:
    """Record what the meeting decided about a finding (or in general), maybe with an action.

    Allowed in any status: minutes are often completed after the meeting.
    :raise MeetingError: the issue does not exist.
    """
    if issue_id is not None and session.get(Issue, issue_id) is None:
        raise MeetingError("not_a_finding")
    # Through the relationship, so meeting.decisions already holds it in this session.
    decision = Decision(
        meeting=meeting, issue_id=issue_id, text=text.strip(), created_by_id=user_id
    )
    session.add(decision)
    session.flush()
    item = create_action_item(session, meeting, decision, **action) if action else None
    bump_revision(session, meeting)
    return decision, item


# --- observations during the meeting -----------------------------------------------------------


def add_meeting_observation(
    session: Session, meeting: Meeting, data: dict
) -> tuple[Observation, bool]:
    """An observation from a phone at the meeting: no walk, the meeting's area.

    A repeated client key returns the first observation (created=False), as in capture.
    :raise MeetingError: closed meeting or unknown category.
    """
    existing = find_by_client_key(session, data.get("client_key"))
    if existing is not None:
        return existing, False
    if data.get("category") not in CATEGORY_BY_CODE:
        raise MeetingError("unknown_category")
    _lock_open(session, meeting)
    lat, lon = data.get("lat"), data.get("lon")
    has_position = lat is not None and lon is not None
    source = data.get("location_source") if data.get("location_source") in ("gps", "map") else "map"
    observation = Observation(
        walk_id=None,
        participant_id=None,
        meeting_id=meeting.id,
        area_id=meeting.area_id,
        category=data["category"],
        text=(data.get("text") or "").strip(),
        lat=lat if has_position else None,
        lon=lon if has_position else None,
        location_source=source if has_position else None,
        client_key=data.get("client_key") or None,
        source="meeting",
    )
    if observation.area_id is None:
        assign_observation(session, observation)
    session.add(observation)
    session.flush()
    return observation, True


def meeting_observations(session: Session, meeting_id: int) -> list[Observation]:
    return list(
        session.scalars(
            select(Observation)
            .where(Observation.meeting_id == meeting_id)
            .order_by(Observation.created_at, Observation.id)
        )
    )


# --- live state for the presenter --------------------------------------------------------------


def etag_for(meeting: Meeting) -> str:
    """Changes with every vote, decision, join and observation; the presenter polls on it."""
    return f"meeting-{meeting.id}-r{meeting.revision}"


def live_state(session: Session, meeting: Meeting) -> dict:
    """What the presenter view refreshes: codes and numbers only, so it is language-neutral."""
    totals = vote_totals(session, meeting.id)
    participants = session.scalar(
        select(func.count())
        .select_from(MeetingParticipant)
        .where(MeetingParticipant.meeting_id == meeting.id)
    )
    decided = sorted({d.issue_id for d in meeting.decisions if d.issue_id is not None})
    return {
        "revision": meeting.revision,
        "status": meeting.status,
        "participants": participants or 0,
        "votes_cast": sum(totals.values()),
        "votes": {str(k): v for k, v in totals.items()},
        "decided": decided,
        "observations": [
            {
                "id": o.id,
                "category": o.category,
                "text": o.text[:280],
                "lat": o.lat,
                "lon": o.lon,
                "created_at": o.created_at.isoformat(),
            }
            for o in meeting_observations(session, meeting.id)
        ],
    }


def local_date(value: datetime, tz: str) -> date:
    """The calendar day of `value` where the meeting happens."""
    return value.astimezone(ZoneInfo(tz)).date()
