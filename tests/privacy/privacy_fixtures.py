"""Data for the privacy tests: an old and a recent reporter, with everything the app keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.groups.models import GroupMember, LocalGroup
from fieldapp.meetings.models import Meeting, MeetingParticipant
from fieldapp.notify.models import OutboxMessage
from fieldapp.walks.models import Participant, Walk

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=500)  # beyond the default 12 months
RECENT = NOW - timedelta(days=45)


@dataclass
class Stored:
    walk: Walk
    old_participant: Participant
    new_participant: Participant
    old_obs: Observation
    other_old_obs: Observation
    new_obs: Observation
    meeting_named: MeetingParticipant
    meeting_anon: MeetingParticipant
    member_old: GroupMember
    member_new: GroupMember


def store_reporters() -> Stored:
    walk = Walk(title="Tryghedsvandring Løvvangen", place_name="Løvvangen", starts_at=OLD)
    old_p = Participant(walk=walk, role="resident", display_name="Mette", created_at=OLD)
    new_p = Participant(walk=walk, role="resident", display_name="Ahmed", created_at=RECENT)

    def obs(participant, when, email, text, code):
        return Observation(
            walk=walk,
            participant=participant,
            category="lighting",
            text=text,
            tracking_code=code,
            reporter_email=email,
            email_consent=email is not None,
            created_at=when,
            updated_at=when,
        )

    old_obs = obs(old_p, OLD, "Mette@Example.dk", "Mørk sti ved skolen", "AAAABBBB")
    other_old = obs(old_p, OLD, None, "Væltet skraldespand", "AAAACCCC")
    new_obs = obs(new_p, RECENT, "ahmed@example.dk", "Lampen blinker", "AAAADDDD")
    group = LocalGroup(name="Løvvangen Samråd")
    member_old = GroupMember(
        group=group, name="Jens", email="jens@example.dk", contact_consent=True, updated_at=OLD
    )
    member_new = GroupMember(
        group=group, name="Lise", email="lise@example.dk", contact_consent=True, updated_at=RECENT
    )
    meeting = Meeting(group=group, title="Dialogmøde", starts_at=OLD)
    named = MeetingParticipant(
        meeting=meeting, role="resident", display_name="Karen", name_in_minutes=True, joined_at=OLD
    )
    anon = MeetingParticipant(
        meeting=meeting, role="resident", display_name="Ole", name_in_minutes=False, joined_at=OLD
    )
    mails = [
        OutboxMessage(
            to_addr="mette@example.dk",
            subject="Status",
            body_text="x",
            status="sent",
            created_at=OLD,
        ),
        OutboxMessage(
            to_addr="mette@example.dk",
            subject="Status",
            body_text="x",
            status="pending",
            created_at=RECENT,
        ),
    ]
    db.session.add_all([walk, old_obs, other_old, new_obs, group, meeting, named, anon, *mails])
    db.session.commit()
    # The ORM sets updated_at on insert; put the old member back in the past.
    member_old.updated_at = OLD
    db.session.commit()
    return Stored(
        walk, old_p, new_p, old_obs, other_old, new_obs, named, anon, member_old, member_new
    )
