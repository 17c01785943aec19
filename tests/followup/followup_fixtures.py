"""Follow-up fixtures: a walk with two reporters' observations in one issue.

A plain module the tests import, not a conftest.py (see tests/notify/mail_fixtures.py).
"""

from __future__ import annotations

import pytest

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Participant

__all__ = ["shared_issue"]


@pytest.fixture
def shared_issue(app, make_walk):
    """Issue "Mørk sti" with Anna's observation (she left an address) and Bo's."""
    walk = make_walk(title="Tryghedsvandring i Løvvangen")
    anna = Participant(walk=walk, role="resident", display_name="Anna Beboer")
    bo = Participant(walk=walk, role="police", display_name="Bo Betjent")
    admin = Administration(name="By- og Landskabsforvaltningen", emails="park@example.dk")
    issue = Issue(title="Mørk sti ved blok 4", category="lighting")
    mine = Observation(
        walk=walk,
        participant=anna,
        category="lighting",
        issue=issue,
        text="Helt mørkt ved blok 4 om aftenen.",
        reporter_email="anna@example.dk",
        email_consent=True,
    )
    theirs = Observation(
        walk=walk,
        participant=bo,
        category="lighting",
        issue=issue,
        text="Bo's hemmelige tekst om stien.",
        reporter_email="bo@example.dk",
        email_consent=True,
    )
    db.session.add_all([anna, bo, admin, issue, mine, theirs])
    db.session.commit()
    return issue, mine, theirs, admin
