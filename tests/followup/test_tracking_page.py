"""The public status page: reachable by code alone, showing only what the reporter may see."""

from __future__ import annotations

import re

import pytest
from followup_fixtures import *  # noqa: F403  (its pytest fixtures)

from fieldapp.extensions import db
from fieldapp.triage.notifications import notify_status_change
from fieldapp.triage.workflow import Actor, change_status

COORDINATOR = Actor(user_id=None, coordinates=True)
PUBLIC = "Lamperne bliver skiftet i uge 12."
INTERNAL = "Intern: entreprenøren er forsinket, sig det ikke til borgerne."


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page(client, code: str) -> str:
    resp = client.get(f"/t/{code}")
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_a_new_observation_reads_received_with_its_own_text(en, make_walk) -> None:
    from fieldapp.capture.models import Observation

    walk = make_walk(title="Vandring i Midtbyen")
    obs = Observation(walk=walk, category="waste", text="Fyldte skraldespande ved bænken.")
    db.session.add(obs)
    db.session.commit()

    resp = en.get(f"/t/{obs.tracking_code}")

    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Received" in html
    assert "Fyldte skraldespande ved bænken." in html
    assert "Vandring i Midtbyen" in html
    assert "Waste and dirt" in html
    assert f"{obs.tracking_code[:4]} {obs.tracking_code[4:]}" in html
    # Reached by a secret code: not indexed, not leaked in Referer headers, not cached.
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in resp.headers["X-Robots-Tag"]
    assert resp.headers["Cache-Control"] == "no-store"


def test_status_and_public_comments_show_never_internal_notes_or_other_reporters(
    en, shared_issue
) -> None:
    issue, mine, theirs, admin = shared_issue
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "forwarded",
        administration_id=admin.id,
        internal_note=INTERNAL,
        notify=notify_status_change,
    )
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "in_progress",
        public_comment=PUBLIC,
        internal_note=INTERNAL,
        notify=notify_status_change,
    )
    db.session.commit()

    html = page(en, mine.tracking_code)

    assert "In progress" in html
    assert "By- og Landskabsforvaltningen" in html  # who is responsible, once forwarded
    assert PUBLIC in html
    assert "Forwarded to the responsible administration" in html  # the history
    assert "Helt mørkt ved blok 4 om aftenen." in html
    for secret in (
        INTERNAL,
        "Intern",
        theirs.text,
        "Bo Betjent",
        "Anna Beboer",
        "anna@example.dk",
        "bo@example.dk",
        "park@example.dk",
        theirs.tracking_code,
        "Mørk sti ved blok 4",
    ):  # the issue title is the coordinators' wording
        assert secret not in html, secret


def test_no_photos_are_shown_on_the_public_page(en, shared_issue) -> None:
    from fieldapp.capture.models import Photo

    _issue, mine, _theirs, _admin = shared_issue
    mine.photos.append(
        Photo(digest="a" * 64, width=10, height=10, thumb_width=5, thumb_height=5, byte_size=100)
    )
    db.session.commit()
    html = page(en, mine.tracking_code)
    images = re.findall(r"<img[^>]*>", html.split("<main", 1)[1])
    assert all("icons/" in tag for tag in images), images


def test_a_declined_issue_reads_as_being_re_routed_without_naming_anyone(en, shared_issue) -> None:
    issue, mine, _theirs, admin = shared_issue
    change_status(db.session, issue, COORDINATOR, "forwarded", administration_id=admin.id)
    change_status(
        db.session,
        issue,
        COORDINATOR,
        "not_responsible",
        internal_note="Det er boligselskabets sti.",
    )
    db.session.commit()
    html = page(en, mine.tracking_code)
    assert "Being re-routed to the responsible administration" in html
    assert "By- og Landskabsforvaltningen" not in html
    assert "boligselskabets" not in html


def test_the_code_form_normalises_case_and_spaces(en, shared_issue) -> None:
    _issue, mine, _theirs, _admin = shared_issue
    code = mine.tracking_code
    typed = f" {code[:4].lower()} {code[4:].lower()} "

    resp = en.get("/t", query_string={"code": typed})
    assert resp.status_code == 302
    assert resp.location.endswith(f"/t/{code}")

    resp = en.get(f"/t/{code[:4].lower()}-{code[4:]}")
    assert resp.status_code == 301
    assert resp.location.endswith(f"/t/{code}")


def test_the_lookup_page_offers_a_form(en) -> None:
    html = en.get("/t").get_data(as_text=True)
    assert '<form method="get" action="/t"' in html
    assert 'name="code"' in html
    assert en.get("/t", query_string={"code": " - "}).status_code == 400


def test_an_unknown_code_is_a_friendly_404_with_the_form(en, shared_issue) -> None:
    resp = en.get("/t/ZZZZ2222")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "ZZZZ 2222" in html
    assert 'name="code"' in html
    assert en.get("/t/" + "A" * 40).status_code == 404
    assert en.get("/t/ZZZZ2222/qr.svg").status_code == 404


def test_the_qr_code_opens_the_tracking_page(en, shared_issue, app) -> None:
    _issue, mine, _theirs, _admin = shared_issue
    resp = en.get(f"/t/{mine.tracking_code}/qr.svg")
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    assert resp.data.lstrip().startswith(b"<?xml") or b"<svg" in resp.data[:200]


def test_the_tracking_page_is_rate_limited(db_url, tmp_path, shared_issue) -> None:
    """30 a minute per address: enough for a reporter, too few to guess codes.

    The test app runs without limits, so this builds one with them. The limiter is a shared
    singleton: switch it off again afterwards, as the test app expects.
    """
    from fieldapp import create_app
    from fieldapp.extensions import limiter

    _issue, mine, _theirs, _admin = shared_issue
    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    try:
        browser = limited.test_client()
        codes = [browser.get(f"/t/{mine.tracking_code}").status_code for _ in range(31)]
        lookups = browser.get("/t", query_string={"code": mine.tracking_code}).status_code
    finally:
        limiter.enabled = False
        from fieldapp.extensions import db

        with limited.app_context():
            db.engine.dispose()  # psycopg warns about connections left to the garbage collector
    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    assert lookups == 429  # the same budget for typing codes into the form
