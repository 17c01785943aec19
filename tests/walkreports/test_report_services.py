"""The report's content and publishing rules, called as plain functions on a session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from walkreport_fixtures import *  # noqa: F403  (its pytest fixtures)
from walkreport_fixtures import PRIVATE, WALK_DAY, add_photo, build_story

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.notify.models import OutboxMessage
from fieldapp.walkreports.content import DONE, NOT_ASSESSED, NOT_DONE, UNDER_WAY, report_content
from fieldapp.walkreports.mail import mail_report
from fieldapp.walkreports.services import (
    ReportError,
    find_published,
    publish_report,
    recipients,
    save_draft,
    send_owed_updates,
)

NOW = WALK_DAY + timedelta(days=30)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_content_groups_findings_by_what_happened(story) -> None:
    report = save_draft(db.session, story.walk, "Tak fordi I gik med.", [story.photo.id])
    c = report_content(db.session, report)
    assert (c.participants, c.observations) == (3, 4)
    assert dict(c.by_category) == {"lighting": 1, "waste": 1, "vandalism": 1, "benches": 1}
    groups = {f.title or f.category: f.group for f in c.findings}
    assert groups == {
        "Mørk sti ved blok 4": DONE,
        "Overfyldte containere": UNDER_WAY,
        "Graffiti på privat gavl": NOT_DONE,
        "benches": NOT_ASSESSED,
    }
    done = c.in_group(DONE)[0]
    assert done.administration == "By- og Landskabsforvaltningen"
    assert done.address == "Løvvangsvej 10"
    assert [s.comment for s in done.steps] == ["Sendt til Park og Vej.", "Lamperne er skiftet."]
    assert [p.id for p in done.photos] == [story.photo.id]
    assert c.in_group(NOT_DONE)[0].reason == "Gavlen er privat; ejeren har fået besked."
    assert [(a.description, a.finding_number) for a in c.planned] == [
        ("Nye affaldsstativer ved blok 6", 2)
    ]
    # Every finding with a position is on the map, inside the drawn box.
    assert sorted(p.number for p in c.map.points) == [1, 2, 3, 4]
    assert all(0 < p.x < c.map.width and 0 < p.y < c.map.height for p in c.map.points)
    assert len(c.map.outline) == 1


def test_content_holds_no_names_texts_or_addresses(story) -> None:
    report = save_draft(db.session, story.walk, "", [story.photo.id])
    dumped = repr(report_content(db.session, report))
    for secret in PRIVATE:
        assert secret not in dumped
    assert "Helt mørkt" not in dumped  # reporters' own words stay out too


def test_a_photo_taken_after_the_fix_is_an_after_photo(story) -> None:
    later = Observation(
        walk=None,
        category="lighting",
        issue_id=story.resolved.id,
        created_at=WALK_DAY + timedelta(days=20),
    )
    db.session.add(later)
    after = add_photo(later, colour=(200, 200, 50))
    db.session.commit()
    report = save_draft(db.session, story.walk, "", [story.photo.id, after.id])
    done = report_content(db.session, report).in_group(DONE)[0]
    assert [(p.id, p.after) for p in done.photos] == [(story.photo.id, False), (after.id, True)]


def test_photos_from_another_walk_are_refused(app) -> None:
    first = build_story()
    other = Observation(walk=None, category="waste", text="")
    db.session.add(other)
    foreign = add_photo(other, colour=(10, 10, 10))
    db.session.commit()
    with pytest.raises(ReportError) as err:
        save_draft(db.session, first.walk, "", [foreign.id])
    assert err.value.code == "photo"


def test_recipients_are_consenting_participants_and_reporters_once_each(story) -> None:
    extra = Observation(
        walk=story.walk,
        participant=story.participants[0],
        category="waste",
        reporter_email="KAREN@example.dk",
        email_consent=True,
    )
    db.session.add(extra)
    db.session.commit()
    got = {(r.address, r.locale) for r in recipients(db.session, story.walk)}
    # Karen once (in either spelling), Ole in English, the consenting reporter in Danish
    # (the language of the participant who reported); the reporter without consent not at all.
    assert got == {
        ("karen@example.dk", "da"),
        ("ole@example.org", "en"),
        ("reporter@example.dk", "da"),
    }


def test_a_planned_walk_cannot_be_published(app) -> None:
    s = build_story(status="planned")
    with pytest.raises(ReportError) as err:
        publish_report(db.session, s.walk, now=NOW)
    assert err.value.code == "planned"


def test_publishing_makes_the_link_work_and_mails_everyone_once(story) -> None:
    report = save_draft(db.session, story.walk, "Tak.", [])
    assert find_published(db.session, report.token) is None
    result = publish_report(db.session, story.walk, notify=mail_report, now=NOW)
    db.session.commit()
    assert result.first
    assert find_published(db.session, report.token) == report
    assert len(report.token) >= 32  # 24 random bytes, url-safe: 192 bits
    assert sorted(m.to_addr for m in outbox()) == [
        "karen@example.dk",
        "ole@example.org",
        "reporter@example.dk",
    ]
    english = next(m for m in outbox() if m.to_addr == "ole@example.org")
    assert english.subject.startswith("You said, we did")
    assert "lang=en" in english.body_text
    danish = next(m for m in outbox() if m.to_addr == "karen@example.dk")
    assert "lang=da" in danish.body_text
    assert "You said" not in danish.subject
    for message in outbox():
        for secret in ("Karen Jensen", "Ole Hansen", "22 33 44 55"):
            assert secret not in message.body_text + message.body_html


def test_updates_are_mailed_at_most_once_a_week(story) -> None:
    publish_report(db.session, story.walk, notify=mail_report, now=NOW)
    db.session.commit()
    assert len(outbox()) == 3

    # An update two days later: nobody is mailed now, everyone is owed it.
    result = publish_report(
        db.session,
        story.walk,
        introduction="Ny status.",
        notify=mail_report,
        now=NOW + timedelta(days=2),
    )
    db.session.commit()
    assert (len(result.mailed), len(result.deferred), len(outbox())) == (0, 3, 3)
    assert not result.first

    # Before the week is over, nothing; once it is, one update each, and then nothing more.
    assert send_owed_updates(db.session, mail_report, now=NOW + timedelta(days=6)) == 0
    assert send_owed_updates(db.session, mail_report, now=NOW + timedelta(days=7)) == 3
    db.session.commit()
    assert send_owed_updates(db.session, mail_report, now=NOW + timedelta(days=30)) == 0
    updates = outbox()[3:]
    assert len(updates) == 3
    assert all("Updated" in m.subject or "Opdateret" in m.subject for m in updates)

    # A week after the last mail, a new publication is mailed straight away.
    result = publish_report(
        db.session, story.walk, notify=mail_report, now=NOW + timedelta(days=14)
    )
    assert len(result.mailed) == 3


def test_someone_who_left_is_owed_nothing(story) -> None:
    publish_report(db.session, story.walk, notify=mail_report, now=NOW)
    publish_report(db.session, story.walk, notify=mail_report, now=NOW + timedelta(days=1))
    db.session.delete(story.participants[1])  # Ole leaves: his address goes with him
    db.session.commit()
    assert send_owed_updates(db.session, mail_report, now=NOW + timedelta(days=8)) == 2
    assert "ole@example.org" not in [m.to_addr for m in outbox()[3:]]
