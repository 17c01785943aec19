"""Open311 media_url: a photo sent to the API is linked by its blurred public rendition only."""

from __future__ import annotations

from blur_fixtures import FACE, crop, detail, fetch, pixels, post_open311_photo
from sqlalchemy import select

from fieldapp.capture.models import Photo
from fieldapp.extensions import db
from fieldapp.media.storage import original_name
from fieldapp.media.views import get_storage

API = "/open311/v2"


def test_media_url_links_the_blurred_photo_and_disappears_when_hidden(client, new_browser):
    resp = post_open311_photo(client)
    assert resp.status_code == 200, resp.data
    (photo,) = db.session.scalars(select(Photo))
    original = get_storage().read(original_name(photo.original_digest))

    (record,) = client.get(f"{API}/requests.json").get_json()
    media_url = record["media_url"]
    assert media_url.startswith("http://localhost/photos/p/")
    served = fetch(new_browser(), media_url.removeprefix("http://localhost")).data
    assert served != original
    assert detail(crop(pixels(served), FACE)) < 0.05 * detail(crop(pixels(original), FACE))
    xml = client.get(f"{API}/requests.xml").get_data(as_text=True)
    assert f"<media_url>{media_url}</media_url>" in xml

    photo.hidden = True
    db.session.commit()
    (record,) = client.get(f"{API}/requests.json").get_json()
    assert "media_url" not in record
    assert fetch(new_browser(), media_url.removeprefix("http://localhost")).status_code == 404
