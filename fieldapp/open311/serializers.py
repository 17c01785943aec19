"""GeoReport v2 payloads: one data shape per resource, encoded as JSON or as the spec's XML.

The builders translate labels with Flask-Babel (the caller chooses the locale); the encoders
are plain. What a request record leaves out is deliberate:

* media_url: only the first photo's public rendition (faces and number plates blurred), by a
  signed link; none when every photo is hidden by staff;
* anything about the reporter (participant, names, e-mail): the API is public.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from flask_babel import gettext as _

from fieldapp.capture.models import Observation
from fieldapp.media.views import public_photo_url
from fieldapp.open311 import services
from fieldapp.taxonomy import CATEGORY_BY_CODE, Category

FORMATS = ("json", "xml")
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
# A list's XML element -> the element of each item in it.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def w3c_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- builders ------------------------------------------------------------------------------


def service_record(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": _(category.label),
        "description": _(category.hint),
        # Every service has a definition with the safety question, so clients should fetch it.
        "metadata": True,
        "type": "realtime",
        "keywords": category.code,
        # Det Kriminalpræventive Råd's design principle, so related services sort together.
        "group": category.principle,
    }


def service_definition(category: Category) -> dict:
    attributes = []
    for attribute in services.service_attributes():
        attributes.append(
            {
                **attribute,
                "description": _(attribute["description"]),
                "values": [{**v, "name": _(v["name"])} for v in attribute["values"]],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def request_record(observation: Observation) -> dict:
    category = CATEGORY_BY_CODE.get(observation.category)
    record = {
        "service_request_id": str(observation.id),
        "status": services.request_status(observation),
        "status_notes": services.status_notes(observation),
        "service_name": _(category.label) if category else observation.category,
        "service_code": observation.category,
        "description": observation.text,
        "agency_responsible": services.agency_responsible(observation),
        "service_notice": "",
        "requested_datetime": w3c_datetime(observation.created_at),
        "updated_datetime": w3c_datetime(services.updated_at(observation)),
        "expected_datetime": w3c_datetime(services.expected_at(observation)),
        "address": observation.address,
        "lat": observation.lat,
        "long": observation.lon,
    }
    media_url = next(
        (url for p in observation.photos if (url := public_photo_url(p, absolute=True))), None
    )
    if media_url:
        record["media_url"] = media_url
    return record


def created_record(observation: Observation, notice: str) -> dict:
    return {
        "service_request_id": str(observation.id),
        "service_notice": notice,
        "account_id": None,
    }


def token_record(observation: Observation, token: str) -> dict:
    return {"service_request_id": str(observation.id), "token": token}


def error_records(status: int, descriptions: list[str]) -> list[dict]:
    return [{"code": status, "description": d} for d in descriptions]


# --- encoders ------------------------------------------------------------------------------


def encode(data: dict | list, fmt: str, root: str) -> bytes:
    """`data` as JSON, or as XML under `root` (a list's items get the tag in ITEM_TAGS)."""
    if fmt == "xml":
        return to_xml(data, root)
    return json.dumps(data, ensure_ascii=False).encode()


def to_xml(data: dict | list, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    body = ET.tostring(element, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode()


def _fill(element: ET.Element, tag: str, value) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[tag]), ITEM_TAGS[tag], item)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _XML_INVALID.sub("", str(value))
