"""`flask apply-retention`: reporter contact data goes after N months, the findings stay."""

from __future__ import annotations

from privacy_fixtures import store_reporters
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEntry
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.privacy.retention import months_before


def test_retention_anonymises_old_contact_data_and_keeps_findings(runner) -> None:
    s = store_reporters()
    result = runner.invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert "data older than 12 months" in result.output
    assert "observation emails: 1" in result.output
    assert "participant names: 1" in result.output
    assert "meeting participant names: 1" in result.output
    assert "group member contacts: 1" in result.output
    assert "outbox messages: 1" in result.output
    db.session.expire_all()
    assert (s.old_obs.reporter_email, s.old_obs.email_consent) == (None, False)
    assert s.old_obs.text == "Mørk sti ved skolen"  # the finding itself stays
    assert s.old_participant.display_name is None and s.old_participant.role == "resident"
    assert s.meeting_anon.display_name is None
    assert s.meeting_named.display_name == "Karen"  # named in the minutes: the record stays
    assert (s.member_old.email, s.member_old.contact_consent) == (None, False)
    assert s.member_old.name == "Jens"
    # Recent data is untouched.
    assert s.new_obs.reporter_email == "ahmed@example.dk"
    assert s.new_participant.display_name == "Ahmed"
    assert s.member_new.email == "lise@example.dk"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.applied"))
    assert entry is not None and entry.user_id is None

    again = runner.invoke(args=["apply-retention"])
    assert again.exit_code == 0
    assert "apply-retention: 0 changed" in again.output


def test_retention_months_can_be_set_and_shorter_periods_reach_recent_data(runner, app) -> None:
    s = store_reporters()
    result = runner.invoke(args=["apply-retention", "--months", "1"])
    assert "observation emails: 2" in result.output, result.output
    assert "participant names: 2" in result.output
    db.session.expire_all()
    assert s.new_obs.reporter_email is None
    assert runner.invoke(args=["apply-retention", "--months", "0"]).exit_code == 2


def test_months_before_clamps_to_the_end_of_a_shorter_month() -> None:
    from datetime import UTC, datetime

    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2025, 1, 15, tzinfo=UTC)
