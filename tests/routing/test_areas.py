"""Areas from GeoJSON: what is accepted, what is refused with which message, and point lookup."""

from __future__ import annotations

import io
import json

import pytest
from conftest import english
from geo_fixtures import (
    COURTYARD,
    INSIDE_COURTYARD,
    INSIDE_LOVVANGEN_ONLY,
    LOVVANGEN,
    MIDTBYEN,
    OUTSIDE_ALL,
    square,
    text,
)
from sqlalchemy import select

from fieldapp.areas.models import Area
from fieldapp.areas.services import (
    AreaError,
    area_containing,
    areas_containing,
    create_area,
    delete_area,
    parse_area_geojson,
)
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.routing.models import RoutingRule
from fieldapp.triage.models import Issue

# --- parsing ------------------------------------------------------------------------------------


def test_a_polygon_is_normalised_with_its_bounding_box() -> None:
    parsed = parse_area_geojson(text(LOVVANGEN))
    assert (parsed.south, parsed.west, parsed.north, parsed.east) == (57.066, 9.905, 57.072, 9.915)
    assert json.loads(parsed.geometry)["type"] == "Polygon"


def test_a_feature_collection_with_one_feature_gives_its_geometry_and_name() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Løvvangen"}, "geometry": LOVVANGEN}
        ],
    }
    parsed = parse_area_geojson(json.dumps(collection))
    assert parsed.name_hint == "Løvvangen"
    assert json.loads(parsed.geometry)["type"] == "Polygon"


def test_a_multipolygon_and_3d_positions_are_accepted() -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[x, y, 12.5] for x, y in LOVVANGEN["coordinates"][0]]],
            MIDTBYEN["coordinates"],
        ],
    }
    parsed = parse_area_geojson(json.dumps(multi))
    geometry = json.loads(parsed.geometry)
    assert geometry["type"] == "MultiPolygon"
    assert len(geometry["coordinates"][0][0][0]) == 2  # heights dropped
    assert (parsed.south, parsed.north) == (57.040, 57.072)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[9.90, 57.06], [9.91, 57.07], [9.91, 57.06], [9.90, 57.07], [9.90, 57.06]]],
}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "Paste GeoJSON or choose a .geojson file."),
        ("{not json", "This is not valid JSON (error on line 1)."),
        ("[1, 2, 3]", 'This is JSON, but not GeoJSON: it has no "type".'),
        (
            json.dumps({"type": "Point", "coordinates": [9.9, 57.0]}),
            "The geometry is a Point; an area must be a Polygon or MultiPolygon.",
        ),
        (
            json.dumps({"type": "FeatureCollection", "features": []}),
            "The FeatureCollection holds 0 features; an area needs exactly one.",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {}, "geometry": LOVVANGEN},
                        {"type": "Feature", "properties": {}, "geometry": MIDTBYEN},
                    ],
                }
            ),
            "The FeatureCollection holds 2 features; an area needs exactly one.",
        ),
        (
            json.dumps({"type": "Feature", "properties": {}, "geometry": None}),
            "The feature has no geometry.",
        ),
        (
            text(BOWTIE),
            "The outline crosses itself near 9.905000, 57.065000 (longitude, latitude).",
        ),
        (
            # latitude first, as people often type it: 57 is fine as a longitude, 95 is no latitude
            text(square(57.066, 95.0, 57.072, 95.1)),
            "The position 57.066, 95.0 is out of range. GeoJSON wants longitude first "
            "(-180 to 180), then latitude (-90 to 90).",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [[["9.9", "57.0"]]]}),
            "A position must be [longitude, latitude] in numbers.",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": []}),
            "The coordinates are empty or not nested as a polygon's are.",
        ),
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[9.9, 57.0], [9.91, 57.0], [9.9, 57.0]]]}
            ),
            "The outline has no area: it needs at least three corners not on one line.",
        ),
        (
            text(square(9.9, 57.0, 9.9, 57.1)),
            "The outline has no area: it needs at least three corners not on one line.",
        ),
    ],
    ids=[
        "empty",
        "not-json",
        "no-type",
        "point",
        "no-features",
        "two-features",
        "no-geometry",
        "self-intersecting",
        "out-of-range",
        "strings",
        "empty-coordinates",
        "too-few-points",
        "no-area",
    ],
)
def test_invalid_geojson_is_refused_with_a_message_that_says_why(given, expected) -> None:
    with pytest.raises(AreaError) as info:
        parse_area_geojson(given)
    assert str(info.value).startswith(expected), str(info.value)


def test_a_huge_file_is_refused_before_parsing(monkeypatch) -> None:
    monkeypatch.setattr("fieldapp.areas.services.MAX_GEOJSON_CHARS", 100)
    with pytest.raises(AreaError, match="too large"):
        parse_area_geojson(text(LOVVANGEN))


# --- storing and finding ------------------------------------------------------------------------


@pytest.fixture
def areas(app):
    made = {
        "lovvangen": create_area(db.session, "Løvvangen", text(LOVVANGEN)),
        "courtyard": create_area(db.session, "Gården ved blok 4", text(COURTYARD)),
        "midtbyen": create_area(db.session, "Midtbyen", text(MIDTBYEN)),
    }
    db.session.commit()
    return made


def test_the_smallest_area_containing_the_point_wins(areas) -> None:
    assert area_containing(db.session, *INSIDE_COURTYARD).name == "Gården ved blok 4"
    assert [a.name for a in areas_containing(db.session, *INSIDE_COURTYARD)] == [
        "Gården ved blok 4",
        "Løvvangen",
    ]
    assert area_containing(db.session, *INSIDE_LOVVANGEN_ONLY).name == "Løvvangen"
    assert area_containing(db.session, *OUTSIDE_ALL) is None


def test_a_point_inside_the_bounding_box_but_outside_the_polygon_is_not_in_the_area(app) -> None:
    triangle = {
        "type": "Polygon",
        "coordinates": [[[9.90, 57.06], [9.92, 57.06], [9.90, 57.08], [9.90, 57.06]]],
    }
    create_area(db.session, "Trekanten", json.dumps(triangle))
    assert area_containing(db.session, 57.061, 9.901).name == "Trekanten"
    assert area_containing(db.session, 57.079, 9.919) is None  # in the box, off the triangle


def test_a_point_on_the_edge_counts_as_inside(areas) -> None:
    assert area_containing(db.session, 57.066, 9.906).name == "Løvvangen"


def test_names_must_be_unique_and_can_come_from_the_feature(app) -> None:
    feature = {"type": "Feature", "properties": {"name": "Løvvangen"}, "geometry": LOVVANGEN}
    area = create_area(db.session, "", json.dumps(feature))
    assert area.name == "Løvvangen"
    with pytest.raises(AreaError, match="already exists") as info:
        create_area(db.session, "løvvangen", text(LOVVANGEN))
    assert info.value.field == "name"
    with pytest.raises(AreaError, match="Give the area a name"):
        create_area(db.session, " ", text(LOVVANGEN))


def test_deleting_an_area_removes_its_rules_and_unlinks_issues(areas) -> None:
    administration = Administration(name="Boligselskabet")
    db.session.add(administration)
    db.session.flush()
    area = areas["lovvangen"]
    db.session.add(
        RoutingRule(category="waste", area_id=area.id, administration_id=administration.id)
    )
    issue = Issue(title="Storskrald", category="waste", area_id=area.id)
    db.session.add(issue)
    db.session.commit()

    delete_area(db.session, area)
    db.session.commit()
    assert db.session.scalars(select(RoutingRule)).all() == []
    db.session.refresh(issue)
    assert issue.area_id is None
    assert db.session.scalar(select(Area).where(Area.name == "Løvvangen")) is None


# --- the admin page -----------------------------------------------------------------------------


def test_admin_adds_an_area_by_pasting_geojson(client, auth) -> None:
    english(client)
    auth.login("admin")
    resp = client.post("/admin/areas", data={"name": "Løvvangen", "geojson": text(LOVVANGEN)})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "The area Løvvangen is added." in page
    assert '<th scope="row">Løvvangen</th>' in page


def test_admin_adds_an_area_by_uploading_a_file(client, auth) -> None:
    auth.login("admin")
    feature = {"type": "Feature", "properties": {"name": "Midtbyen"}, "geometry": MIDTBYEN}
    upload = (io.BytesIO(json.dumps(feature).encode("utf-8-sig")), "midtbyen.geojson")
    resp = client.post(
        "/admin/areas",
        data={"name": "", "geojson": "", "upload": upload},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    assert db.session.scalar(select(Area.name)) == "Midtbyen"


def test_invalid_geojson_on_the_page_is_400_with_the_message_and_keeps_the_input(
    client, auth
) -> None:
    english(client)
    auth.login("admin")
    resp = client.post("/admin/areas", data={"name": "Sløjfen", "geojson": text(BOWTIE)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "The outline crosses itself near 9.905000, 57.065000" in page
    assert 'value="Sløjfen"' in page
    assert "57.07]" in page  # the pasted text is still in the textarea
    assert db.session.scalar(select(Area)) is None


def test_a_binary_upload_is_400_not_500(client, auth) -> None:
    english(client)
    auth.login("admin")
    upload = (io.BytesIO(b"\xff\xd8\xff\xe0 not json"), "photo.geojson")
    resp = client.post(
        "/admin/areas", data={"name": "X", "upload": upload}, content_type="multipart/form-data"
    )
    assert resp.status_code == 400
    assert "The file is not a UTF-8 text file." in resp.get_data(as_text=True)


def test_admin_deletes_an_area(client, auth, areas) -> None:
    english(client)
    auth.login("admin")
    area_id = areas["midtbyen"].id
    resp = client.post(f"/admin/areas/{area_id}/delete", follow_redirects=True)
    assert resp.status_code == 200
    assert "The area Midtbyen and its routing rules are deleted." in resp.get_data(as_text=True)
    assert db.session.get(Area, area_id) is None
    assert client.post("/admin/areas/999999/delete").status_code == 404
