"""`flask create-api-client NAME`: the key is shown once and only its hash is kept."""

from __future__ import annotations

import re

from open311_support import API
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.open311.models import ApiClient, hash_api_key


def test_create_api_client_prints_a_working_key_once(runner, client) -> None:
    result = runner.invoke(args=["create-api-client", "Aalborg Kommunes borgerapp"])
    assert result.exit_code == 0, result.output
    key = re.search(r"api_key: (\S+)", result.output).group(1)
    assert len(key) >= 40
    db.session.rollback()
    stored = db.session.scalar(select(ApiClient))
    assert stored.name == "Aalborg Kommunes borgerapp"
    assert stored.key_hash == hash_api_key(key) != key
    resp = client.post(
        f"{API}/requests.json",
        data={"api_key": key, "service_code": "waste", "address_string": "Vesterbro 1"},
    )
    assert resp.status_code == 200


def test_an_empty_name_is_refused(runner) -> None:
    result = runner.invoke(args=["create-api-client", "  "])
    assert result.exit_code != 0
    assert "name" in result.output
