"""The needs-attention sources, counted and paged without a request."""

from __future__ import annotations

import pytest
from attention_fixtures import *  # noqa: F403  (its pytest fixtures)
from attention_fixtures import NOW, add_issues
from attention_fixtures import source_ids as ids

from fieldapp.attention import settings
from fieldapp.attention.services import count, group_counts, overview, page
from fieldapp.attention.sources import SOURCES, SOURCES_BY_CODE
from fieldapp.extensions import db


def test_each_source_finds_exactly_its_items(town) -> None:
    i = town.ids
    assert ids("unowned_issues") == i["unowned"]
    assert ids("overdue_issues") == i["overdue"]
    assert ids("stale_issues") == sorted(i["stale"] + i["fire"])
    assert ids("overdue_action_items") == i["item_late"]
    assert ids("unowned_action_items") == []
    assert ids("stale_action_items") == []
    assert ids("unowned_walks") == i["walk"]
    assert ids("organisations_without_members") == [town.empty.id]


def test_per_organisation_and_per_owner(town) -> None:
    assert ids("stale_issues", org_id=town.police.id) == town.ids["fire"]
    assert ids("stale_issues", org_id=town.parks.id) == town.ids["stale"]
    assert ids("overdue_issues", owner_id=town.anna.id) == town.ids["overdue"]
    assert ids("overdue_issues", owner_id=town.per.id) == []
    # Nobody owns an organisation, and unowned items have no owner to mail.
    assert ids("organisations_without_members", owner_id=town.anna.id) == []
    assert ids("unowned_issues", owner_id=town.anna.id) == []
    assert overview(db.session, town.quiet.id, NOW) == []


def test_stale_days_come_from_the_settings_per_category(town) -> None:
    try:
        settings.configure({"fire_risk": 12})
        assert ids("stale_issues") == town.ids["stale"]
        settings.configure({"default": 5})
        # the fresh lighting issue (10 days) is stale now too; fire risk keeps its 7 days
        assert ids("stale_issues") == sorted(
            town.ids["stale"] + town.ids["fire"] + town.ids["fresh"]
        )
    finally:
        settings.configure(None)


def test_keyset_pages_cover_everything_once(town) -> None:
    add_issues(town.parks, 23, "Affald", "waste")
    fn = SOURCES_BY_CODE["unowned_issues"]
    seen, after, pages = [], None, 0
    while True:
        items, after = page(db.session, fn, None, NOW, after=after, limit=10)
        seen += [i.id for i in items]
        pages += 1
        if after is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 24 == count(db.session, fn, None, NOW)
    assert seen == sorted(seen)


def test_group_counts_for_the_start_page(town) -> None:
    assert group_counts(db.session, None, NOW) == {
        "unowned": 2,
        "overdue": 2,
        "stale": 2,
        "organisations": 1,
        "follow_up": 0,
    }


@pytest.mark.parametrize("fn", SOURCES, ids=lambda fn: fn.info.code)
def test_every_source_keeps_the_registry_contract(town, fn) -> None:
    info = fn.info
    assert info.group and info.label and info.kind
    items, _ = page(db.session, fn, None, NOW, limit=5)
    for item in items:
        assert item.kind == info.kind and item.endpoint and item.title


def test_counts_stop_after_the_cap(town) -> None:
    fn = SOURCES_BY_CODE["unowned_issues"]
    add_issues(town.parks, 3, "Ekstra")
    exact = count(db.session, fn, None, NOW)
    assert exact == 4
    assert count(db.session, fn, None, NOW, cap=2) == 3  # "2+"
    assert count(db.session, fn, None, NOW, cap=10) == exact
    assert group_counts(db.session, None, NOW, cap=2)["unowned"] == 3
    assert group_counts(db.session, None, NOW, cap=None)["unowned"] == exact + 1
    assert [s.count for s in overview(db.session, None, NOW, cap=2)][0] == 3
