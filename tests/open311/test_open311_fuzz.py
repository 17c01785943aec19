"""Whatever a client sends, the API answers with a 2xx or a 4xx in the spec's format."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from open311_support import (
    API,
    error_codes,
    fixture_api_key,  # noqa: F401 (fixtures)
)

from fieldapp.taxonomy import CATEGORIES

FIELDS = [
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "attribute[safety]",
    "token",
    "client_key",
]
# Lone surrogates cannot be sent as UTF-8 at all, so no client can send them.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(string.digits + ".-+eE_ ", max_size=30),
)
VALUE = {
    "service_code": st.one_of(st.sampled_from([c.code for c in CATEGORIES]), TEXT),
    "lat": st.one_of(NUMBERISH, TEXT),
    "long": st.one_of(NUMBERISH, TEXT),
    "attribute[safety]": st.one_of(st.integers(-3, 9).map(str), TEXT),
    "token": st.one_of(st.text(string.ascii_letters + string.digits + "-_.", max_size=70), TEXT),
    "description": st.one_of(TEXT, st.text(max_size=2100, min_size=1990)),
}


VALID = {"service_code": "lighting", "lat": "57.05", "long": "9.92"}


@st.composite
def posts(draw):
    """Random fields, half the time on top of a valid report so that some get through."""
    fields = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=6))
    data = dict(VALID) if draw(st.booleans()) else {}
    data.update({name: draw(VALUE.get(name, TEXT)) for name in fields})
    return data


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=posts(),
    with_key=st.booleans(),
    fmt=st.sampled_from(["json", "xml"]),
    locale=st.one_of(st.none(), TEXT),
)
def test_random_posts_never_fail_on_our_side(client, api_key, data, with_key, fmt, locale):
    if with_key:
        data["api_key"] = api_key
    url = f"{API}/requests.{fmt}"
    resp = client.post(url, data=data, query_string={"locale": locale} if locale else None)
    assert resp.status_code < 500, resp.data
    if resp.status_code >= 400:
        assert error_codes(resp)
        return
    assert resp.status_code == 200
    event("created")
    # Whatever was stored reads back fine in both formats.
    for read_fmt in ("json", "xml"):
        assert client.get(f"{API}/requests.{read_fmt}").status_code == 200


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "status",
                "start_date",
                "end_date",
                "jurisdiction_id",
                "locale",
            ]
        ),
        st.one_of(TEXT, st.datetimes().map(lambda d: d.isoformat())),
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_random_queries_never_fail_on_our_side(client, query, fmt) -> None:
    resp = client.get(f"{API}/requests.{fmt}", query_string=query)
    assert resp.status_code < 500, resp.data
    if resp.status_code >= 400:
        assert error_codes(resp)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(segment=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80))
def test_random_ids_codes_and_tokens_never_fail_on_our_side(client, segment) -> None:
    for path in ("requests", "services", "tokens"):
        resp = client.get(f"{API}/{path}/{segment}.json")
        assert resp.status_code < 500, (path, segment, resp.data)
