"""Issue 5, bar (4), for the people who run the walks: axe-core finds no violations on the
coordinator's, the administrator's and an administration's staff pages, status is never told by
colour alone and every map has a text alternative (a11y_checks). One language per screen: the
participant pages (test_a11y_participant) cover both languages on both screens.
"""

from __future__ import annotations

import pytest

from .a11y_checks import check_pages
from .a11y_pages import admin_pages, coordinator_pages, load_demo, staff_pages
from .test_languages import compiled_catalogues  # noqa: F401  (the fixture, by name)

# Danish pages must be Danish: words are longer, and a label that wraps can shrink a target.
pytestmark = pytest.mark.usefixtures("compiled_catalogues")


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "da"), ("desktop", "en")])
def test_coordinator_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), coordinator_pages, view, lang)
    assert tally.pages == 37
    assert tally.badges > 10, "no status badges were checked"
    assert tally.maps >= 7


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_admin_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), admin_pages, view, lang)
    assert tally.pages == 13


@pytest.mark.parametrize(("view", "lang"), [("phone", "da"), ("desktop", "en")])
def test_staff_pages(live, runner, new_context, view, lang):
    tally = check_pages(new_context, live, load_demo(runner), staff_pages, view, lang)
    assert tally.pages == 2
    assert tally.maps == 2
