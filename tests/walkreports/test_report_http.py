"""The coordinator's report pages, the public link, the PDF and the join form's e-mail."""

from __future__ import annotations

import re

from conftest import english
from flask_babel import force_locale
from flask_babel import gettext as _
from walkreport_fixtures import *  # noqa: F403  (its pytest fixtures)
from walkreport_fixtures import (
    PRIVATE,
    add_photo,
    build_story,
    pdf_text,
    photo_status,
    public_photo_links,
    url_status,
)

from fieldapp.capture.models import Observation
from fieldapp.extensions import db
from fieldapp.media.storage import photo_names
from fieldapp.walkreports.models import WalkReport
from fieldapp.walks.models import Participant


def report_of(walk) -> WalkReport:
    db.session.expire_all()
    return db.session.query(WalkReport).filter_by(walk_id=walk.id).one()


def publish(client, walk, **data):
    form = {"introduction": "Tak fordi I gik med.", "action": "publish", **data}
    return client.post(f"/walks/{walk.id}/report", data=form)


def test_coordinator_writes_previews_and_publishes(client, auth, story) -> None:
    english(client)
    auth.login()
    page = client.get(f"/walks/{story.walk.id}/report")
    assert page.status_code == 200
    assert "Draft" not in page.text or "Write and publish" in page.text
    resp = client.post(
        f"/walks/{story.walk.id}/report",
        data={"introduction": "Tak fordi I gik med.", "photos": [story.photo.id], "action": "save"},
    )
    assert resp.status_code == 302
    report = report_of(story.walk)
    assert report.introduction == "Tak fordi I gik med." and not report.is_published
    assert report.photo_ids == {story.photo.id}

    preview = client.get(f"/walks/{story.walk.id}/report/preview")
    assert preview.status_code == 200
    assert "Participants cannot see it until you publish it" in preview.text
    assert client.get(f"/r/{report.token}").status_code == 404  # a draft is not public

    resp = publish(client, story.walk, photos=[story.photo.id])
    assert resp.status_code == 302
    done = client.get(resp.headers["Location"])
    assert "The report is published. E-mailed to 3 people" in done.text
    report = report_of(story.walk)
    assert report.is_published
    assert f"/r/{report.token}" in done.text

    detail = client.get(f"/walks/{story.walk.id}")
    assert "Published" in detail.text and f"/r/{report.token}" in detail.text
    assert "Løvvangen" in detail.text  # the walk's area, with its outline
    assert 'aria-labelledby="walk-area-title"' in detail.text


def test_the_public_page_tells_the_story_without_anything_private(client, auth, story) -> None:
    auth.login()
    publish(client, story.walk, photos=[story.photo.id])
    token = report_of(story.walk).token
    auth.logout()
    anonymous = english(client)
    page = anonymous.get(f"/r/{token}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Tak fordi I gik med.",
        "Mørk sti ved blok 4",
        "Løvvangsvej 10",
        "By- og Landskabsforvaltningen",
        "Lamperne er skiftet.",
        "Tømmes nu to gange om ugen.",
        "Gavlen er privat; ejeren har fået besked.",
        "Nye affaldsstativer ved blok 6",
        "Resolved",
        "In progress",
        "Rejected",
        "What will not be done, and why",
        "Not yet assessed",
    ):
        assert expected in text, expected
    for secret in PRIVATE:
        assert secret not in text, secret
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "<script>" not in text and 'style="' not in text
    # The chosen photo is shown through its signed link to the blurred rendition only.
    links = public_photo_links(text)
    assert len(links) == 1 and url_status(anonymous, links[0]) == 200
    assert photo_status(anonymous, story.photo.id) == 404
    # Danish unless asked otherwise, and ?lang= from the e-mail link wins.
    assert "Det fandt vi" in client.get(f"/r/{token}?lang=da").text


def test_only_the_chosen_photos_appear_once_the_report_is_published(client, auth, story) -> None:
    other = Observation(walk=story.walk, category="waste", text="")
    db.session.add(other)
    unchosen = add_photo(other, colour=(0, 90, 0))
    db.session.commit()
    anonymous = client
    assert photo_status(anonymous, story.photo.id) == 404
    auth.login()
    client.post(
        f"/walks/{story.walk.id}/report",
        data={"photos": [story.photo.id], "action": "save"},
    )
    auth.logout()
    assert photo_status(anonymous, story.photo.id) == 404  # a draft
    auth.login()
    publish(client, story.walk, photos=[story.photo.id])
    token = report_of(story.walk).token
    auth.logout()
    links = public_photo_links(client.get(f"/r/{token}").text)
    assert len(links) == 1 and url_status(anonymous, links[0]) == 200
    assert photo_status(anonymous, story.photo.id) == 404  # never the staff URL
    assert photo_status(anonymous, unchosen.id) == 404


def published_pdf(client, auth, story):
    """The PDF of the story's walk report, published with its photo, as anyone fetches it."""
    auth.login()
    publish(client, story.walk, photos=[story.photo.id])
    token = report_of(story.walk).token
    auth.logout()
    resp = client.get(f"/r/{token}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return resp


def test_the_pdf_has_the_statuses_and_nothing_private(client, auth, story) -> None:
    resp = published_pdf(client, auth, story)
    text = pdf_text(resp.data)
    assert b"/Image" in resp.data  # the chosen photo is in it
    with force_locale("da"):
        statuses = [_("Resolved"), _("In progress"), _("Rejected"), _("Received")]
    assert statuses == ["Løst", "I gang", "Afvist", "Modtaget"] or all(statuses)
    flat = " ".join(text.split())
    for status in statuses:
        assert status in flat, status
    for expected in ("Mørk sti ved blok 4", "Gavlen er privat; ejeren har fået besked."):
        assert expected in flat
    for secret in PRIVATE:
        assert secret not in flat, secret
    token = report_of(story.walk).token
    english_text = " ".join(pdf_text(client.get(f"/r/{token}.pdf?lang=en").data).split())
    for status in ("Resolved", "In progress", "Rejected"):
        assert status in english_text


def test_bad_input_is_refused_with_the_text_kept(client, auth, story, app) -> None:
    english(client)
    auth.login()
    long_intro = "Tak. " * 1200
    resp = client.post(
        f"/walks/{story.walk.id}/report", data={"introduction": long_intro, "action": "save"}
    )
    assert resp.status_code == 400
    assert "Keep the introduction under 5000 characters." in resp.text
    assert "Tak. Tak. Tak." in resp.text

    stranger = Observation(walk=None, category="waste", text="")
    db.session.add(stranger)
    foreign = add_photo(stranger, colour=(90, 0, 0))
    db.session.commit()
    resp = client.post(
        f"/walks/{story.walk.id}/report",
        data={"introduction": "Hej", "photos": [foreign.id], "action": "publish"},
    )
    assert resp.status_code == 400
    assert "Choose photos from this walk only." in resp.text
    resp = client.post(
        f"/walks/{story.walk.id}/report",
        data={"introduction": "Hej", "photos": ["abc"], "action": "save"},
    )
    assert resp.status_code == 400


def test_a_planned_walk_cannot_be_published(client, auth, app) -> None:
    s = build_story(status="planned")
    english(client)
    auth.login()
    resp = publish(client, s.walk, introduction="Kommer snart")
    assert resp.status_code == 409
    assert "The walk has not taken place yet" in resp.text
    assert "Kommer snart" in resp.text


def test_report_pages_are_for_coordinators(client, auth, story) -> None:
    assert client.get(f"/walks/{story.walk.id}/report").status_code in (302, 401, 403)
    assert client.get(f"/walks/{story.walk.id}/report/preview").status_code in (302, 401, 403)
    auth.login("staff")
    assert client.get(f"/walks/{story.walk.id}/report").status_code == 403
    assert client.get("/r/not-a-real-token").status_code == 404
    assert client.get("/r/not-a-real-token.pdf").status_code == 404


def test_coordinator_previews_before_any_draft_exists(client, auth, story) -> None:
    auth.login()
    resp = client.get(f"/walks/{story.walk.id}/report/preview.pdf")
    assert resp.status_code == 200
    assert "Mørk sti ved blok 4" in " ".join(pdf_text(resp.data).split())
    assert client.get(f"/walks/{story.walk.id}/report/preview").status_code == 200
    # Looking changes nothing: no draft is created by a preview.
    assert db.session.query(WalkReport).count() == 0


# --- The join form: an optional e-mail for the report, only with consent ------------------------


def test_joining_with_an_email_needs_the_consent_box(client, make_walk) -> None:
    english(client)
    walk = make_walk()
    resp = client.post(f"/j/{walk.join_token}", data={"role": "resident", "email": "a@example.dk"})
    assert resp.status_code == 400
    assert "Tick the box if we may e-mail you, or remove the address." in resp.text
    assert 'value="a@example.dk"' in resp.text
    resp = client.post(f"/j/{walk.join_token}", data={"role": "resident", "report_consent": "y"})
    assert resp.status_code == 400
    assert "Type your e-mail address, or untick the box." in resp.text
    resp = client.post(f"/j/{walk.join_token}", data={"role": "resident", "email": "not-mail"})
    assert resp.status_code == 400
    assert "That does not look like an e-mail address." in resp.text
    assert db.session.query(Participant).count() == 0

    resp = client.post(
        f"/j/{walk.join_token}",
        data={"role": "resident", "email": " a@example.dk ", "report_consent": "y"},
    )
    assert resp.status_code == 302
    person = db.session.query(Participant).one()
    assert (person.email, person.email_consent, person.locale) == ("a@example.dk", True, "en")


def test_joining_without_an_email_stores_none(client, make_walk) -> None:
    walk = make_walk()
    assert client.post(f"/j/{walk.join_token}", data={"role": "police"}).status_code == 302
    person = db.session.query(Participant).one()
    assert (person.email, person.email_consent) == (None, False)
    assert re.search(r"da|en", person.locale or "")


def test_the_pdf_gets_its_photos_from_a_bucket(client, auth, bucket_app) -> None:
    """With UPLOAD_BUCKET set the photos are read from the bucket (there is no file path)."""
    _app, storage = bucket_app
    story = build_story()  # its photo is saved through get_storage(): into the bucket
    assert storage.exists(photo_names(story.photo.digest)[0])
    resp = published_pdf(client, auth, story)
    assert b"/Image" in resp.data
