"""A walk's page lists its observations a page at a time (a walk behind a QR poster in a public
square gathers thousands); the filters stay on the page links, the count is the whole walk's,
and the audit log records the participants' names actually shown."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fieldapp.audit.models import AuditEntry
from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.walks.models import Participant
from fieldapp.walks.views import OBSERVATIONS_PER_PAGE

T0 = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


def card_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="obs-card" id="obs-(\d+)"', html)]


def test_observations_are_paged_with_the_filter_kept(coordinator, make_walk) -> None:
    walk = make_walk()
    named = Participant(walk=walk, role="resident", display_name="Jytte")
    db.session.add(named)
    lights = [
        Observation(
            walk=walk,
            category="lighting",
            participant=named if i == 0 else None,
            created_at=T0 + timedelta(minutes=i),
        )
        for i in range(OBSERVATIONS_PER_PAGE + 2)
    ]
    db.session.add_all(lights)
    db.session.add(Observation(walk=walk, category="litter", created_at=T0))
    db.session.commit()

    html = coordinator.get(f"/walks/{walk.id}?category=lighting").get_data(as_text=True)
    assert f'<span class="count">({len(lights)})</span>' in html  # the whole walk's, filtered
    assert 'aria-label="Pages of observations"' in html and "Page 1 of 2" in html
    assert f'href="/walks/{walk.id}?category=lighting&amp;page=2"' in html
    first = card_ids(html)
    assert len(first) == OBSERVATIONS_PER_PAGE
    html = coordinator.get(f"/walks/{walk.id}?category=lighting&page=2").get_data(as_text=True)
    assert f'href="/walks/{walk.id}?category=lighting"' in html and 'rel="next"' not in html
    newest_first = [o.id for o in sorted(lights, key=lambda o: o.created_at, reverse=True)]
    assert first + card_ids(html) == newest_first
    # Only the second page shows the named participant (the oldest observation).
    shown = [
        json.loads(e.detail)["participant_names_shown"]
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "walk.viewed").order_by(AuditEntry.id)
        )
    ]
    assert shown == [0, 1]
    resp = coordinator.get(f"/walks/{walk.id}?page=0")
    assert resp.status_code == 400


def test_a_small_walk_has_no_page_links(coordinator, make_walk) -> None:
    walk = make_walk()
    db.session.add_all(Observation(walk=walk, category="lighting") for _ in range(3))
    db.session.commit()
    html = coordinator.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert len(card_ids(html)) == 3 and 'class="pager"' not in html
