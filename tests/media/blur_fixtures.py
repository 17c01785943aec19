"""Helpers for the blurring tests: a real face photo, image metrics, uploads and people."""

from __future__ import annotations

import io

import factories
import numpy as np
from PIL import Image
from skimage import data
from werkzeug.test import EnvironBuilder

from fieldapp.extensions import db
from fieldapp.media.blur import to_pixels
from fieldapp.orgs.models import Administration
from fieldapp.triage.services import create_issue
from fieldapp.triage.workflow import Actor, change_status

PASSWORD = "blur-test-pw-123"

# The astronaut's face (eyes, nose, mouth) in the 512 x 512 picture, found by eye, not by the
# detector: (left, top, right, bottom).
FACE = (190, 80, 260, 160)


def astronaut_jpeg(size: int = 512) -> bytes:
    """skimage's astronaut photo (a real face) as a camera JPEG of `size` x `size` pixels."""
    im = Image.fromarray(data.astronaut())
    if size != im.width:
        im = im.resize((size, size), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def pixels(jpeg: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(jpeg)) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float64)


def crop(a: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    left, top, right, bottom = box
    return a[top:bottom, left:right]


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def detail(a: np.ndarray) -> float:
    """Variance of the grey image's Laplacian: high for sharp features, ~0 once blurred."""
    grey = a.mean(axis=2)
    lap = (
        -4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]
    )
    return float(lap.var())


def psnr_outside(a: np.ndarray, b: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """PSNR of `b` against `a` over the pixels outside `boxes` (grown by one 8 px JPEG block)."""
    mask = np.ones(a.shape[:2], dtype=bool)
    for left, top, right, bottom in boxes:
        mask[max(0, top - 8) : bottom + 8, max(0, left - 8) : right + 8] = False
    assert mask.mean() > 0.6, "the boxes leave too little of the picture to compare"
    mse = float(((a - b)[mask] ** 2).mean())
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def pixel_boxes(photo) -> list[tuple[int, int, int, int]]:
    return [
        to_pixels((r["x"], r["y"], r["w"], r["h"]), (photo.width, photo.height))
        for r in photo.blur_regions
    ]


def post_observation(client, walk, files: list[tuple[bytes, str]], text: str = "Mand på bænk"):
    """Send the capture form with photos, as the phone's browser does."""
    form = {
        "category": "other",
        "text": text,
        "photos": [(io.BytesIO(content), name) for content, name in files],
    }
    environ = EnvironBuilder(
        path=f"/w/{walk.join_token}/new",
        method="POST",
        data=form,
        content_type="multipart/form-data",
    ).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def post_open311_photo(client):
    """An Open311 client's request with the astronaut as its media, as a citizen app sends it."""
    from fieldapp.open311.services import create_api_client

    _api_client, key = create_api_client(db.session, "Borgerapp")
    db.session.commit()
    return client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "other",
            "lat": "57.0464",
            "long": "9.9293",
            "media": (io.BytesIO(astronaut_jpeg()), "IMG_7.jpg"),
        },
        content_type="multipart/form-data",
    )


def fetch(client, url: str):
    """GET and close: a photo is streamed from its file, which stays open until closed."""
    with client.get(url) as resp:
        resp.get_data()
        return resp


def make_person(role: str, email: str, administration: Administration | None = None):
    return factories.make_user(role, email, password=PASSWORD, administration=administration)


def log_in(browser, user):
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.status_code
    return browser


def forward_to(observation, coordinator, administration: Administration):
    """Make an issue of `observation` and forward it to `administration`."""
    actor = Actor(user_id=coordinator.id, coordinates=True)
    issue = create_issue(
        db.session,
        [observation],
        actor,
        title="Person på foto",
        description="",
        category=observation.category,
        priority="normal",
    )
    change_status(db.session, issue, actor, "forwarded", administration_id=administration.id)
    db.session.commit()
    return issue
