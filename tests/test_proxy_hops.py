"""Behind a reverse proxy (PROXY_HOPS): the client's address comes from X-Forwarded-For, so the
rate limits count per phone, not per proxy; without a proxy configured the header is ignored."""

from __future__ import annotations

import pytest

from fieldapp import create_app
from fieldapp.extensions import db, limiter


@pytest.fixture(autouse=True)
def _restore_limiter():
    """The limiter is one object for every app in the process and init_app switches it on for
    all of them; put it back as the other tests' app set it (off)."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


def _app(tmp_path, hops: int):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/proxy.sqlite",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PROXY_HOPS": hops,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _login(client, forwarded_for: str, attempt: int = 0) -> int:
    # A new address each attempt: the per-address lockout (auth/lockout.py) is not under test.
    resp = client.post(
        "/login",
        data={"email": f"nobody{attempt}@example.dk", "password": "wrong-password"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return resp.status_code


@pytest.mark.parametrize("hops", [1, 0])
def test_login_rate_limit_counts_per_forwarded_address_only_behind_a_proxy(tmp_path, hops):
    app = _app(tmp_path, hops)
    client = app.test_client()
    assert [_login(client, "203.0.113.1", i) for i in range(10)] == [401] * 10
    assert _login(client, "203.0.113.1") == 429
    # Another phone behind the same proxy still gets in - but only when the proxy is trusted;
    # otherwise the header is the client's own word and the limit is per connection address.
    assert _login(client, "203.0.113.2") == (401 if hops else 429)
    with app.app_context():
        db.engine.dispose()
