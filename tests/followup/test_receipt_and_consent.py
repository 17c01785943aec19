"""After sending: a receipt with the tracking code; e-mail updates only with explicit consent."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fieldapp.capture.models import Observation
from fieldapp.extensions import db

TEXT = "Lampen ved legepladsen er gået ud."


@pytest.fixture
def walk(client, participant):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return participant


def send(client, walk, **fields):
    data = {
        "category": "lighting",
        "text": TEXT,
        "lat": "57.0693",
        "lon": "9.9089",
        "location_source": "map",
    }
    data.update(fields)
    return client.post(f"/w/{walk.join_token}/new", data=data, content_type="multipart/form-data")


def stored() -> list[Observation]:
    db.session.rollback()
    return list(db.session.scalars(select(Observation).order_by(Observation.id)))


def test_the_receipt_shows_the_code_a_link_and_a_qr_code(client, walk) -> None:
    resp = send(client, walk)
    assert resp.status_code == 302
    (obs,) = stored()
    assert f"sent={obs.id}" in resp.location

    html = client.get(resp.location).get_data(as_text=True)

    code = obs.tracking_code
    receipt = html.split('class="card receipt"', 1)[1].split("</section>", 1)[0]
    assert 'class="receipt-code"' in receipt
    assert f">{code[:4]} {code[4:]}<" in receipt
    assert f'href="http://localhost/t/{code}"' in receipt
    assert f'src="/t/{code}/qr.svg"' in receipt
    assert re.search(r'<img[^>]+alt="[^"]+"', receipt)


def test_every_card_in_my_observations_shows_its_code(client, walk) -> None:
    send(client, walk)
    send(client, walk, text="Mørkt ved cykelstien.")
    html = client.get(f"/w/{walk.join_token}/mine").get_data(as_text=True)
    for obs in stored():
        assert f'href="/t/{obs.tracking_code}"' in html
    assert 'class="card receipt"' not in html, "the receipt is for the observation just sent"


def test_someone_elses_observation_id_shows_no_receipt(client, walk, new_browser) -> None:
    send(client, walk)
    (obs,) = stored()
    other = new_browser("en")
    other.post(f"/j/{walk.join_token}", data={"role": "resident"})
    html = other.get(f"/w/{walk.join_token}/mine?sent={obs.id}").get_data(as_text=True)
    assert obs.tracking_code not in html


def test_an_address_with_consent_is_stored(client, walk) -> None:
    resp = send(client, walk, reporter_email=" anna@example.dk ", email_consent="y")
    assert resp.status_code == 302
    (obs,) = stored()
    assert (obs.reporter_email, obs.email_consent) == ("anna@example.dk", True)


def test_an_address_without_consent_is_refused_and_the_form_keeps_the_text(client, walk) -> None:
    resp = send(client, walk, reporter_email="anna@example.dk")

    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Tick the box if we may e-mail you, or remove the address." in html
    assert 'id="email_consent-error"' in html
    assert TEXT in html
    assert 'value="anna@example.dk"' in html
    assert '<details class="field follow-email" open>' in html
    assert stored() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email_consent": "y"}, "Type your e-mail address, or untick the box."),
        (
            {"reporter_email": "ikke-en-adresse", "email_consent": "y"},
            "That does not look like an e-mail address.",
        ),
        ({"reporter_email": "a" * 250 + "@example.dk", "email_consent": "y"}, None),
    ],
)
def test_bad_follow_up_input_is_a_400_with_a_message(client, walk, fields, message) -> None:
    resp = send(client, walk, **fields)
    assert resp.status_code == 400
    if message:
        assert message in resp.get_data(as_text=True)
    assert stored() == []


def test_unticking_consent_when_editing_deletes_the_address(client, walk) -> None:
    send(client, walk, reporter_email="anna@example.dk", email_consent="y")
    (obs,) = stored()
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data={"category": "lighting", "text": TEXT, "reporter_email": "anna@example.dk"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400, "an address without the box is refused on edit too"
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data={"category": "lighting", "text": TEXT, "reporter_email": ""},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    (obs,) = stored()
    assert (obs.reporter_email, obs.email_consent) == (None, False)
