"""A participant changes and deletes their own observations, until the walk is closed."""

from __future__ import annotations

from capture_support import (  # noqa: F401 (fixtures)
    TEXT,
    field_errors,
    fixture_walk,
    form,
    observations,
    send,
)

from fieldapp.extensions import db


def test_edit_own_observation(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    page = client.get(f"/w/{walk.join_token}/o/{obs.id}/edit")
    assert page.status_code == 200
    assert TEXT in page.get_data(as_text=True)
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data=form(
            category="vegetation",
            text="Buskene er for høje",
            lat="",
            lon="",
            accuracy_m="",
            safety="3",
        ),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    (obs,) = observations()
    assert (obs.category, obs.text, obs.safety, obs.lat, obs.lon) == (
        "vegetation",
        "Buskene er for høje",
        3,
        None,
        None,
    )
    assert "Your changes are saved." in client.get(resp.location).get_data(as_text=True)


def test_edit_with_an_error_is_400_and_changes_nothing(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    resp = client.post(
        f"/w/{walk.join_token}/o/{obs.id}/edit",
        data=form(safety="9", text="Ændret tekst"),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "Ændret tekst" in resp.get_data(as_text=True)
    (obs,) = observations()
    assert (obs.text, obs.safety) == (TEXT, 2)


def test_delete_own_observation(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    resp = client.post(f"/w/{walk.join_token}/o/{obs.id}/delete")
    assert resp.status_code == 302
    assert observations() == []
    assert "The observation is deleted." in client.get(resp.location).get_data(as_text=True)
    assert client.post(f"/w/{walk.join_token}/o/{obs.id}/delete").status_code == 404


def test_closed_walk_refuses_new_edited_and_deleted_observations(client, walk) -> None:
    send(client, walk)
    (obs,) = observations()
    walk.status = "closed"
    db.session.commit()
    closed = "This walk is closed, so observations can no longer be added or changed."

    resp = send(client, walk, text="for sent")
    assert resp.status_code == 409
    assert closed in resp.get_data(as_text=True)
    assert client.get(f"/w/{walk.join_token}/new").status_code == 200

    base = f"/w/{walk.join_token}/o/{obs.id}"
    for resp in (
        client.get(f"{base}/edit"),
        client.post(f"{base}/edit", data=form(text="ændret"), content_type="multipart/form-data"),
        client.post(f"{base}/delete"),
    ):
        assert resp.status_code == 302
        assert closed in client.get(resp.location).get_data(as_text=True)
    (obs,) = observations()
    assert obs.text == TEXT
