"""GET services and service definitions, and the API's errors for unknown things."""

from __future__ import annotations

import pytest
from open311_support import API, children, descriptions, error_codes, parse

from fieldapp.taxonomy import CATEGORIES

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]


def test_services_json_lists_the_taxonomy_in_danish_by_default(client) -> None:
    resp = client.get(f"{API}/services.json")
    assert resp.status_code == 200
    services = parse(resp)
    assert [s["service_code"] for s in services] == [c.code for c in CATEGORIES]
    lighting = services[0]
    assert list(lighting) == SERVICE_FIELDS
    assert lighting["service_name"] == "Belysning"
    assert lighting["metadata"] is True
    assert lighting["type"] == "realtime"


def test_services_xml_in_english_by_locale_parameter(client) -> None:
    resp = client.get(f"{API}/services.xml?locale=en")
    assert resp.status_code == 200
    assert resp.content_type == "text/xml; charset=utf-8"
    root = parse(resp)
    assert root.tag == "services"
    assert {el.tag for el in root} == {"service"}
    first = root[0]
    assert children(first) == SERVICE_FIELDS
    assert first.findtext("service_name") == "Lighting"
    assert first.findtext("metadata") == "true"


@pytest.mark.parametrize("header", ["en", "en-GB,en;q=0.9"])
def test_accept_language_chooses_english(client, header) -> None:
    resp = client.get(f"{API}/services.json", headers={"Accept-Language": header})
    assert parse(resp)[0]["service_name"] == "Lighting"


def test_service_definition_json_has_the_safety_question(client) -> None:
    resp = client.get(f"{API}/services/lighting.json?locale=en")
    assert resp.status_code == 200
    definition = parse(resp)
    assert definition["service_code"] == "lighting"
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "safety"
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["variable"] is True
    assert attribute["required"] is False
    assert attribute["description"] == "How safe do you feel here?"
    assert [v["key"] for v in attribute["values"]] == ["1", "2", "3", "4", "5"]
    assert attribute["values"][0]["name"] == "Very unsafe"


def test_service_definition_xml_shape(client) -> None:
    root = parse(client.get(f"{API}/services/waste.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert children(attribute) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("variable") == "true"
    values = attribute.findall("values/value")
    assert len(values) == 5
    assert children(values[0]) == ["key", "name"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_in_the_spec_format(client, fmt) -> None:
    resp = client.get(f"{API}/services/potholes.{fmt}?locale=en")
    assert resp.status_code == 404
    assert error_codes(resp) == [404]
    assert "potholes" in descriptions(resp)


@pytest.mark.parametrize(
    "path",
    [
        "/services.csv",
        "/services.html",
        "/services",
        "/requests/1.yaml",
        "/tokens/abc.txt",
        "/nothing-here.json",
        "/",
    ],
)
def test_unknown_formats_and_paths_are_a_json_404(client, path) -> None:
    resp = client.get(API + path)
    assert resp.status_code == 404
    assert error_codes(resp) == [404]


def test_unknown_path_with_xml_suffix_answers_in_xml(client) -> None:
    resp = client.get(f"{API}/discovery.xml")
    assert resp.status_code == 404
    assert parse(resp).tag == "errors"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method_is_a_405_in_the_spec_format(client, method) -> None:
    resp = getattr(client, method)(f"{API}/services.xml")
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]
    assert error_codes(resp) == [405]


def test_delete_on_requests_is_a_405_allowing_get_and_post(client) -> None:
    resp = client.delete(f"{API}/requests.json")
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize("value", ["aalborg.dk", "AALBORG.DK", ""])
def test_our_jurisdiction_or_none_is_accepted(client, value) -> None:
    resp = client.get(f"{API}/services.json?jurisdiction_id={value}")
    assert resp.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_jurisdiction_is_a_404(client, fmt) -> None:
    resp = client.get(f"{API}/services.{fmt}?jurisdiction_id=sf.gov&locale=en")
    assert resp.status_code == 404
    assert error_codes(resp) == [404]
    assert "sf.gov" in descriptions(resp)


def test_configured_jurisdiction_replaces_the_default(app, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "OPEN311_JURISDICTION", "aarhus.dk")
    assert client.get(f"{API}/services.json?jurisdiction_id=aarhus.dk").status_code == 200
    assert client.get(f"{API}/services.json?jurisdiction_id=aalborg.dk").status_code == 404


def test_rate_limit_and_server_errors_use_the_spec_format(client, monkeypatch) -> None:
    from werkzeug.exceptions import TooManyRequests

    import fieldapp.open311.views as views

    def too_many():
        raise TooManyRequests()

    monkeypatch.setattr(views, "list_services", too_many)
    resp = client.get(f"{API}/services.xml")
    assert resp.status_code == 429
    assert error_codes(resp) == [429]


def test_an_unexpected_failure_is_a_logged_500_in_the_spec_format(app, client, monkeypatch):
    import fieldapp.open311.views as views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "list_services", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    resp = client.get(f"{API}/services.json")
    assert resp.status_code == 500
    assert error_codes(resp) == [500]
    assert "boom" not in resp.get_data(as_text=True)
