"""Minutes: counts by role, names only with consent, votes, decisions; CSV safe in a
spreadsheet; the PDF is a real PDF with the decisions in its text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from meeting_fixtures import make_admin, make_issue, meeting_with_findings
from pypdf import PdfReader

from fieldapp.extensions import db
from fieldapp.meetings.minutes import build_minutes, csv_safe, minutes_csv
from fieldapp.meetings.services import cast_vote, join_meeting, record_decision

DECISION = "Park og Vej sætter to nye lamper op på stien."


def _held_meeting():
    """Three participants (one named with consent), votes, a decision with an action item."""
    meeting, lamp, door = meeting_with_findings()
    admin = make_admin()
    birgit = join_meeting(db.session, meeting, "resident", "Birgit Holm", True)
    jens = join_meeting(db.session, meeting, "resident", "Jens Hemmelig", False)
    police = join_meeting(db.session, meeting, "police", None, False)
    for p, issue in ((birgit, lamp), (jens, lamp), (police, door), (birgit, lamp)):
        cast_vote(db.session, meeting, p, issue.id)
    record_decision(
        db.session,
        meeting,
        lamp.id,
        DECISION,
        None,
        {
            "description": "To nye lamper",
            "administration_id": admin.id,
            "responsible_person": "",
            "deadline": date(2026, 12, 1),
            "is_initiative": False,
        },
    )
    record_decision(db.session, meeting, None, "Næste møde i marts.")
    db.session.commit()
    return meeting, lamp, door


def test_minutes_count_roles_name_only_consenting_and_sort_by_votes(app):
    meeting, lamp, door = _held_meeting()
    m = build_minutes(db.session, meeting)
    assert m.attendees == 3
    assert m.by_role == [("resident", 2), ("police", 1)]
    assert m.names == ["Birgit Holm"]
    assert [(f.issue.id, f.votes) for f in m.findings] == [(lamp.id, 3), (door.id, 1)]
    assert m.findings[0].decisions[0].decision.text == DECISION
    assert m.findings[0].decisions[0].actions[0].description == "To nye lamper"
    assert [e.decision.text for e in m.general] == ["Næste møde i marts."]
    assert m.votes_cast == 4


def test_minutes_page_shows_consented_names_only(client, auth, kit, app):
    meeting, _lamp, _door = _held_meeting()
    kit.english(client)
    auth.login("coordinator")
    html = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Birgit Holm" in html and "Jens Hemmelig" not in html
    assert DECISION in html and "To nye lamper" in html and "By- og Landskabsforvaltningen" in html
    assert "Resident" in html and "Police" in html


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+45 1234", "'+45 1234"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Lys på stien", "Lys på stien"),
        (7, 7),
        ("", ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, safe):
    assert csv_safe(value) == safe


def test_minutes_csv_has_findings_decisions_and_action_items_injection_safe(app):
    meeting, lamp, _door = _held_meeting()
    evil = make_issue('=HYPERLINK("http://evil.example","klik")')
    record_decision(db.session, meeting, evil.id, "@SUM(1+1)")
    db.session.commit()
    text = minutes_csv(build_minutes(db.session, meeting))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Record", "Finding no.", "Finding", "Category", "Votes"]
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("Finding") == 3 and kinds.count("Decision") == 3
    assert kinds.count("Action item") == 1
    action = next(r for r in rows if r[0] == "Action item")
    assert action[1:3] == [str(lamp.id), lamp.title] and action[4] == "3"
    assert action[6:] == [
        "To nye lamper",
        "By- og Landskabsforvaltningen",
        "2026-12-01",
        "Not started",
        "No",
    ]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    cells = {cell for row in rows for cell in row}
    assert '\'=HYPERLINK("http://evil.example","klik")' in cells
    assert "'@SUM(1+1)" in cells


def test_csv_and_pdf_downloads(client, auth, kit, app):
    meeting, _lamp, _door = _held_meeting()
    kit.english(client)
    auth.login("coordinator")
    resp = client.get(f"/meetings/{meeting.id}/minutes.csv")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert DECISION in resp.get_data(as_text=True)

    pdf = client.get(f"/meetings/{meeting.id}/minutes.pdf?download=1")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert 'filename="referat-' in pdf.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert DECISION in text
    assert "To nye lamper" in text and "Birgit Holm" in text and "Jens Hemmelig" not in text
