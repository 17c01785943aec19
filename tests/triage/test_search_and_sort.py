"""Full-text search and the stored sort keys of the triage list, on the engine under test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from triage_factories import T0, make_admin, make_issue, make_obs

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.triage import sqlfuncs
from fieldapp.triage.filters import Filters
from fieldapp.triage.models import NO_DUE_DATE, Issue
from fieldapp.triage.queries import list_page
from fieldapp.triage.services import edit_issue
from fieldapp.triage.sqlfuncs import search_words
from fieldapp.triage.workflow import Actor

TZ = "Europe/Copenhagen"


def ids(filters: Filters) -> set[int]:
    return {item.id for item in list_page(db.session, filters, TZ, limit=1000).items}


def ordered(filters: Filters, limit: int = 3) -> list[int]:
    flat, cursor = [], None
    while True:
        page = list_page(db.session, filters, TZ, cursor=cursor, limit=limit)
        flat += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return flat


def test_search_words_split_on_anything_but_letters_and_digits() -> None:
    assert search_words("Lygtepæl-SLUKKET, ved 50% af_lamperne lygtepæl") == [
        "lygtepæl",
        "slukket",
        "ved",
        "50",
        "af",
        "lamperne",
    ]
    assert search_words("%_ !") == []


@pytest.fixture(params=["few matches", "many matches"])
def match_path(request, monkeypatch):
    """SQLite looks a handful of matches up by id and probes many in list order: both paths
    must give the same rows (PostgreSQL has one path; it runs twice)."""
    if request.param == "many matches":
        monkeypatch.setattr(sqlfuncs, "SQLITE_FEW_MATCHES", 0)
    return request.param


def test_search_matches_word_prefixes_in_danish(app, match_path) -> None:
    light = make_obs(text="Belysning mangler ved stien")
    broken = make_obs(text="Bænken er ØDELAGT og graffiti på muren")
    lamp = make_obs(text="Lygtepæl slukket i tunnelen")
    assert ids(Filters(q="belys")) == {light.id}  # a word's beginning is enough
    assert ids(Filters(q="BELYSNING")) == {light.id}
    assert ids(Filters(q="ødelagt")) == {broken.id}  # æ, ø, å fold and stay letters
    assert ids(Filters(q="bænk")) == {broken.id}
    assert ids(Filters(q="baenk")) == set()
    assert ids(Filters(q="tunnel slukket")) == {lamp.id}  # every word, in any order
    assert ids(Filters(q="tunnel belysning")) == set()
    assert ids(Filters(q="ysning")) == set()  # the middle of a word is not a word prefix
    assert ids(Filters(q='"stien" OR NOT *')) == set()  # search syntax is plain words here
    assert ids(Filters(q="stien' OR 1=1 --")) == set()


def test_issue_search_covers_title_and_description(app, match_path) -> None:
    a = make_issue([make_obs()], title="Mørk sti", description="Tre lygtepæle er slukket")
    b = make_issue([make_obs()], title="Affald ved bænken", description="")
    assert ids(Filters(kind="issues", q="lygtepæl")) == {a.id}
    assert ids(Filters(kind="issues", q="mørk lygte")) == {a.id}  # title and description
    assert ids(Filters(kind="issues", q="bænk")) == {b.id}


def test_search_follows_edits_and_deletes(app, match_path) -> None:
    obs = make_obs(text="Hæk skal klippes")
    issue = make_issue([make_obs()], title="Hæk ved stien")
    obs.text = "Busk skjuler udsynet"
    actor = Actor(user_id=None, coordinates=True)
    edit_issue(db.session, issue, actor, {"title": "Busk ved legepladsen"})
    db.session.commit()
    assert ids(Filters(q="hæk")) == set()
    assert ids(Filters(q="skjuler")) == {obs.id}
    assert ids(Filters(kind="issues", q="hæk")) == set()
    assert ids(Filters(kind="issues", q="legeplads")) == {issue.id}
    db.session.delete(obs)
    db.session.commit()
    assert ids(Filters(q="skjuler")) == set()
    other = make_obs(text="Skjuler sig i mørket")  # a new row gets the freed words
    assert ids(Filters(q="skjuler")) == {other.id}


def test_search_keeps_paging_in_sort_order(app, match_path) -> None:
    made = [
        make_obs(text=f"Graffiti nummer {i}", created_at=T0 + timedelta(minutes=i % 4)).id
        for i in range(10)
    ]
    make_obs(text="Noget helt andet")
    flat = ordered(Filters(q="graffiti"))
    assert sorted(flat) == sorted(made)
    rows = {o.id: o for o in db.session.scalars(select(Observation))}
    assert flat == sorted(flat, key=lambda i: (rows[i].created_at, i), reverse=True)


def test_priority_rank_follows_every_priority_change(app) -> None:
    admin = make_admin()
    low = make_issue(priority="low", created_at=T0)
    urgent = make_issue(priority="urgent", created_at=T0)
    normal = make_issue(status="forwarded", administration=admin, created_at=T0)
    default = Issue(title="Uden prioritet", category="lighting", created_at=T0)
    db.session.add(default)
    db.session.commit()
    assert default.priority_rank == 1
    # Rank first, then newest, then the higher id (all four were created at T0).
    expected = [urgent.id, *sorted([normal.id, default.id], reverse=True), low.id]
    assert ordered(Filters(kind="issues", sort="priority")) == expected
    edit_issue(db.session, low, Actor(user_id=None, coordinates=True), {"priority": "high"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Issue, low.id).priority_rank == 2
    assert ordered(Filters(kind="issues", status="all", sort="priority"))[:2] == [
        urgent.id,
        low.id,
    ]


def test_due_sort_key_follows_due_date_and_sorts_missing_last(app) -> None:
    admin = make_admin()
    undated = make_issue(created_at=T0)
    late = make_issue(status="forwarded", administration=admin)
    soon = make_issue(status="forwarded", administration=admin)
    late.due_at = T0 + timedelta(days=9)
    soon.due_at = T0 + timedelta(days=1)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Issue, late.id).due_sort == T0 + timedelta(days=9)
    assert db.session.get(Issue, undated.id).due_sort == NO_DUE_DATE
    assert ordered(Filters(kind="issues", sort="due"), limit=1) == [soon.id, late.id, undated.id]
    soon = db.session.get(Issue, soon.id)
    soon.due_at = None  # e.g. sent back for triage
    db.session.commit()
    expected = [late.id, *sorted([undated.id, soon.id])]
    assert ordered(Filters(kind="issues", sort="due"), limit=2) == expected
