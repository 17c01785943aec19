"""CSV and GeoJSON exports: the triage filters, streamed, no formulas, no personal data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from export_support import stats_fixtures as f

from fieldapp.exports.csv_export import iter_filtered, neutralise
from fieldapp.extensions import db
from fieldapp.triage.filters import Filters

INSIDE = (57.069, 9.910)  # in Løvvangen's box
OUTSIDE = (57.045, 9.925)  # in Midtbyen


@pytest.fixture
def data(app):
    lov = f.make_area("Løvvangen")
    f.make_area("Midtbyen", f.MIDTBYEN_BOX)
    walk = f.make_walk(lov, f.utc(2026, 10, 6, 16))
    person = f.make_participant(walk, "Fru Hansen")
    at = f.utc(2026, 10, 6, 16, 30)
    obs = [
        f.make_obs(
            at,
            walk=walk,
            participant_id=person.id,
            text='=HYPERLINK("http://x.dk")',
            reporter_email="fru.hansen@example.dk",
            email_consent=True,
            safety=2,
            lat=INSIDE[0],
            lon=INSIDE[1],
        ),
        f.make_obs(
            at,
            category="waste",
            text="+45 12 34 56 78 ringede",
            lat=INSIDE[0],
            lon=INSIDE[1] + 0.001,
        ),
        f.make_obs(at, category="waste", text="-fuld container", lat=OUTSIDE[0], lon=OUTSIDE[1]),
        f.make_obs(at, category="lighting", text="@kommunen\tlys", lat=None, lon=None),
    ]
    admin = f.make_admin()
    issues = [
        f.make_issue(at, area=lov, admin=admin, forwarded_after=1, title="Mørk sti"),
        f.make_issue(at, area=lov, title="Afvist sag", status="rejected"),
    ]
    return lov, obs, issues


@pytest.fixture
def coordinator(client, app):
    return f.login(client, f.make_user("coordinator", "koordinator@example.dk"))


def read_csv(resp, sep=";"):
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff"), "no BOM for Excel"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=sep))


def test_csv_is_streamed_with_bom_semicolons_and_decimal_commas(coordinator, data) -> None:
    resp = coordinator.get("/exports/observations.csv")
    assert resp.status_code == 200
    assert resp.is_streamed
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = read_csv(resp)
    header = rows[0]
    assert header[:4] == ["Observation", "Observed", "Category code", "Category"]
    assert len(rows) == 5
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    first = by_id[str(data[1][0].id)]
    assert first["Latitude"] == "57,069" and first["Longitude"] == "9,91"
    assert first["Observed"] == "2026-10-06 18:30"  # Copenhagen summer time
    assert first["Area"] == "Løvvangen"  # through its walk

    comma = read_csv(coordinator.get("/exports/observations.csv?sep=comma"), sep=",")
    row = next(r for r in comma[1:] if r[0] == str(data[1][0].id))
    assert dict(zip(comma[0], row, strict=True))["Latitude"] == "57.069"
    assert coordinator.get("/exports/observations.csv?sep=tab").status_code == 400


def test_formulas_are_neutralised(coordinator, data) -> None:
    texts = {r[6] for r in read_csv(coordinator.get("/exports/observations.csv"))[1:]}
    assert texts == {
        '\'=HYPERLINK("http://x.dk")',
        "'+45 12 34 56 78 ringede",
        "'-fuld container",
        "'@kommunen\tlys",
    }
    for danger in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(danger) == "'" + danger
    assert neutralise("Mørk sti = farlig") == "Mørk sti = farlig"


def test_no_personal_data_in_any_export(coordinator, data) -> None:
    for url in (
        "/exports/observations.csv",
        "/exports/observations.geojson",
        "/exports/issues.csv?status=all",
        "/exports/issues.geojson?status=all",
    ):
        body = coordinator.get(url).get_data(as_text=True)
        assert "fru.hansen@example.dk" not in body, url
        assert "Fru Hansen" not in body, url
        for o in data[1]:
            assert o.tracking_code not in body, url
        assert "koordinator@example.dk" not in body, url


def test_exports_respect_the_triage_filters(coordinator, data) -> None:
    lov, obs, issues = data
    rows = read_csv(coordinator.get("/exports/observations.csv?category=waste"))
    assert sorted(r[0] for r in rows[1:]) == sorted(str(o.id) for o in obs[1:3])
    rows = read_csv(coordinator.get(f"/exports/observations.csv?area={lov.id}"))
    assert sorted(r[0] for r in rows[1:]) == sorted(str(o.id) for o in obs[:2])
    rows = read_csv(coordinator.get("/exports/observations.csv?q=container"))
    assert [r[0] for r in rows[1:]] == [str(obs[2].id)]

    rows = read_csv(coordinator.get("/exports/issues.csv"))  # triage default: open issues
    assert [r[2] for r in rows[1:]] == ["Mørk sti"]
    rows = read_csv(coordinator.get("/exports/issues.csv?status=all"))
    assert sorted(r[2] for r in rows[1:]) == ["Afvist sag", "Mørk sti"]
    header = rows[0]
    record = dict(zip(header, next(r for r in rows[1:] if r[2] == "Mørk sti"), strict=True))
    assert record["Administration"] == "By- og Landskabsforvaltningen"
    assert record["Status"] == "Forwarded" and record["Overdue"] == "no"

    for extreme in ("from=0001-01-01", "to=9999-12-31"):  # refused before streaming starts
        assert coordinator.get(f"/exports/issues.geojson?{extreme}").status_code == 400
    resp = coordinator.get("/exports/issues.csv?status=someday")
    assert resp.status_code == 400
    assert "Choose a status from the list." in resp.get_data(as_text=True)


def test_geojson_has_only_positioned_rows(coordinator, data) -> None:
    resp = coordinator.get("/exports/observations.geojson?category=lighting")
    assert resp.is_streamed and resp.mimetype == "application/geo+json"
    body = json.loads(resp.get_data(as_text=True))
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]  # the lighting one without a position is left out
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE[1], INSIDE[0]]}
    assert feature["properties"]["observed_at"] == "2026-10-06T18:30:00+02:00"
    assert "lat" not in feature["properties"]


def test_paging_reads_every_row_once(app, data) -> None:
    rows = list(
        iter_filtered(
            db.session, Filters(kind="observations", sort="oldest"), "Europe/Copenhagen", chunk=2
        )
    )
    assert sorted(o.id for o in rows) == sorted(o.id for o in data[1])


def test_exports_are_for_coordinators(client, data) -> None:
    assert "/login" in client.get("/exports/observations.csv").location
    f.login(client, f.make_user("staff", "staff@example.dk", f.make_admin("Politi", "Politi")))
    for url in ("/exports/", "/exports/issues.csv", "/exports/area/1/report/2026.pdf"):
        assert client.get(url).status_code == 403, url


def test_export_page_offers_the_downloads_with_the_filters(coordinator, data) -> None:
    lov = data[0]
    resp = coordinator.get(f"/exports/?kind=issues&status=all&area={lov.id}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for path in ("issues.csv?", "issues.csv?sep=comma&amp;", "issues.geojson?"):
        assert f"/exports/{path}area={lov.id}&amp;status=all" in page, path
    assert f"/exports/area/{lov.id}/report/" in page


def test_observations_already_in_an_issue_are_exported_too(data, coordinator, client):
    _lov, obs, issues = data
    obs[1].issue_id = issues[0].id
    db.session.commit()
    rows = read_csv(client.get("/exports/observations.csv"))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {str(o.id) for o in obs}
    issue_column = next(h for h in header if h.lower().startswith("issue"))
    assert by_id[str(obs[1].id)][issue_column] == str(issues[0].id)
