"""The yearly area report counts the walks asked for, accepted, declined and walked."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from request_fixtures import form_data, make_midtbyen, stored_requests

from fieldapp.db import utcnow
from fieldapp.extensions import db
from fieldapp.walks.models import Walk


def test_report_html_and_pdf_count_the_years_requests(client, auth, kit) -> None:
    kit.english(client)
    area = make_midtbyen()
    for _ in range(4):
        client.post("/request-walk", data=form_data())
    client.post("/request-walk", data=form_data(place_name="Løvvangen", lat="57.069", lon="9.909"))
    first, second, third, *_ = stored_requests()
    auth.login("coordinator")
    client.post(f"/walk-requests/{first.id}/accept")
    client.post(f"/walk-requests/{second.id}/accept")
    client.post(f"/walk-requests/{third.id}", data={"reason": "Gået i foråret."})
    db.session.get(Walk, stored_requests()[0].walk_id).status = "closed"
    db.session.commit()

    year = utcnow().year
    page = client.get(f"/exports/area/{area.id}/report/{year}.html").text
    figures = {
        "Walks asked for": 4,
        "Requests accepted": 2,
        "Requests declined": 1,
        "Requested walks held": 1,
    }
    for label, value in figures.items():
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label

    pdf = client.get(f"/exports/area/{area.id}/report/{year}.pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert re.search(r"Walks asked for\s*4", text), text[:600]
    assert "Requested walks held" in text
