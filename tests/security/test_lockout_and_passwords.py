"""Issue 6: account lockout with backoff, rate limits in Redis, and the password policy."""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.auth.lockout import email_key, lock_length
from fieldapp.auth.models import LoginThrottle, User
from fieldapp.db import utcnow
from fieldapp.extensions import db

EMAIL = "coordinator@example.dk"


@pytest.fixture(autouse=True)
def _english(client, kit):
    kit.english(client)


def login(client, password: str, email: str = EMAIL):
    return client.post("/login", data={"email": email, "password": password})


def test_backoff_doubles_from_one_minute_after_five_failures() -> None:
    assert [lock_length(n) for n in range(1, 5)] == [None] * 4
    minutes = [lock_length(n) / timedelta(minutes=1) for n in range(5, 10)]
    assert minutes == [1, 2, 4, 8, 16]
    assert lock_length(100) == timedelta(hours=24)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, kit) -> None:
    kit.make_user("coordinator")
    for _ in range(4):
        resp = login(client, "wrong-password-123")
        assert resp.status_code == 401
        assert b"Wrong e-mail or password." in resp.data
    resp = login(client, "wrong-password-123")
    assert resp.status_code == 429
    assert b"Too many failed log-ins with this e-mail address. Try again in 1 minute." in resp.data
    assert b'value="coordinator@example.dk"' in resp.data  # what was typed is kept

    resp = login(client, kit.PASSWORDS["coordinator"])
    assert resp.status_code == 429  # locked: not even the right password gets in
    assert client.get("/walks/").status_code == 302

    # The lock runs out: the right password works and clears the count.
    row = db.session.get(LoginThrottle, email_key(EMAIL))
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, kit.PASSWORDS["coordinator"]).status_code == 302
    db.session.expire_all()
    assert db.session.get(LoginThrottle, email_key(EMAIL)) is None


def test_each_failure_after_a_lock_doubles_it(client, kit) -> None:
    kit.make_user("coordinator")
    for _ in range(5):
        login(client, "wrong-password-123")
    for expected in (2, 4):
        row = db.session.get(LoginThrottle, email_key(EMAIL))
        row.locked_until = utcnow() - timedelta(seconds=1)  # the lock ran out
        db.session.commit()
        resp = login(client, "wrong-password-123")
        assert resp.status_code == 429
        assert f"Try again in {expected} minutes.".encode() in resp.data
        db.session.expire_all()
        row = db.session.get(LoginThrottle, email_key(EMAIL))
        left = row.locked_until - utcnow()
        assert timedelta(minutes=expected - 1) < left <= timedelta(minutes=expected)


def test_a_lock_is_shared_by_another_web_process(client, kit, db_url, tmp_path) -> None:
    """The count is in the database: a second app (another gunicorn worker) sees the lock."""
    from fieldapp import create_app

    kit.make_user("coordinator")
    for _ in range(5):
        login(client, "wrong-password-123")
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    with other.app_context():
        resp = other.test_client().post(
            "/login",
            data={"email": EMAIL, "password": kit.PASSWORDS["coordinator"]},
            headers={"Accept-Language": "en"},
        )
        assert resp.status_code == 429
        db.session.remove()


def test_unknown_addresses_lock_the_same_way_so_nothing_is_revealed(client, kit) -> None:
    kit.make_user("coordinator")
    answers = {}
    for email in (EMAIL, "nobody@example.dk"):
        answers[email] = [login(client, "wrong-password-123", email) for _ in range(6)]
    known, unknown = answers[EMAIL], answers["nobody@example.dk"]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.status_code for r in known] == [401] * 4 + [429] * 2
    assert _page_text(known[-1].data) == _page_text(unknown[-1].data)
    # Only hashes are kept, never the address typed.
    keys = set(db.session.scalars(select(LoginThrottle.email_hash)))
    assert keys == {email_key(EMAIL), email_key("nobody@example.dk")}
    assert not any("@" in k for k in keys)


def _page_text(html: bytes) -> bytes:
    """The page without the values of its inputs (the typed address, CSRF tokens)."""
    return re.sub(rb'value="[^"]*"', b"", html)


def test_the_lock_is_per_address(client, kit) -> None:
    kit.make_user("coordinator")
    kit.make_user("admin")
    for _ in range(5):
        login(client, "wrong-password-123")
    resp = login(client, kit.PASSWORDS["admin"], "admin@example.dk")
    assert resp.status_code == 302


# --- rate limits: memory by default, Redis when REDIS_URL is set --------------------------------


def test_rate_limit_storage_follows_redis_url(monkeypatch, tmp_path) -> None:
    from fieldapp.config import from_environment

    monkeypatch.delenv("REDIS_URL", raising=False)
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


REDIS_KEY_PREFIX = f"fieldapp-test-{uuid.uuid4().hex}"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    conn = redis.Redis.from_url(url)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    return url, conn


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/login", 10), ("/w/{token}/api/observations", 60)],
    ids=["login", "anonymous-submit"],
)
def test_login_and_anonymous_submit_are_rate_limited_in_redis(
    db_url, tmp_path, make_walk, path, limit
) -> None:
    from fieldapp import create_app
    from fieldapp.extensions import limiter

    url, conn = _redis_or_skip()
    # Counters of this process alone: other runs (xdist workers, other checkouts) share the
    # server, so nothing here flushes the database or counts another run's keys. One prefix for
    # the whole process, because the limiter singleton keeps the prefix of the first app that
    # enabled it (each production process has a single app).
    prefix = REDIS_KEY_PREFIX
    walk = make_walk()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": url,
            "RATELIMIT_KEY_PREFIX": prefix,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    try:
        with app.app_context():
            client = app.test_client()
            target = path.format(token=walk.join_token)
            codes = [client.post(target, data={}).status_code for _ in range(limit + 1)]
            db.session.remove()
        assert 429 not in codes[:limit], codes
        assert codes[-1] == 429
        assert conn.keys(f"*{prefix}*"), "the counters are not in Redis"
    finally:
        for key in conn.scan_iter(f"*{prefix}*"):
            conn.delete(key)
        conn.close()
        limiter.enabled = False  # the singleton: switched off again, as the test app expects


# --- password policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-pw", "at least 12 characters"),
        ("ny@aalborg.dk", "must not be your e-mail address"),
        ("NY@AALBORG.DK2026", "must not be your e-mail address"),
        ("Password2026!", "too common"),
        ("qwertyuiop12", "too common"),
        ("123456789012", "too common"),
        ("!!Sommer2026!!", "too common"),
        ("aaaaaaaaaaaaaa", "too common"),
    ],
)
def test_create_user_cli_refuses_weak_passwords(runner, password, message) -> None:
    result = runner.invoke(args=["create-user", "ny@aalborg.dk", "--password", password])
    assert result.exit_code != 0
    assert message in result.output
    db.session.rollback()
    assert db.session.scalar(select(User)) is None


def test_create_user_cli_accepts_a_good_password(runner) -> None:
    result = runner.invoke(args=["create-user", "ny@aalborg.dk", "--password", "lygtepæl-ved-åen"])
    assert result.exit_code == 0, result.output


def test_the_policy_rejects_the_local_part_with_digits(runner) -> None:
    result = runner.invoke(
        args=["create-user", "kirsten.hansen@aalborg.dk", "--password", "Kirsten.Hansen1"]
    )
    assert result.exit_code != 0
    assert "must not be your e-mail address" in result.output


@pytest.fixture
def admin_client(client, auth):
    auth.login("admin")
    return client


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", b"The password must be at least 12 characters."),
        ("elleve-tegn", b"The password must be at least 12 characters."),
        ("kollega@example.dk", b"The password must not be your e-mail address."),
        ("adgangskode2026", b"This password is too common and easy to guess."),
    ],
)
def test_admin_user_form_explains_the_password_rules(admin_client, password, message) -> None:
    data = {"email": "kollega@example.dk", "name": "Kollega", "role": "coordinator"}
    resp = admin_client.post("/admin/users/new", data=data | {"password": password})
    assert resp.status_code == 400
    assert message in resp.data
    assert b'value="kollega@example.dk"' in resp.data  # entered data kept
    assert db.session.scalar(select(User).where(User.email == "kollega@example.dk")) is None


def test_admin_password_change_follows_the_policy(admin_client, kit) -> None:
    user = kit.make_user("coordinator")
    url = f"/admin/users/{user.id}/edit"
    data = {"role": "coordinator", "active": "y"}
    resp = admin_client.post(url, data=data | {"new_password": "coordinator@example.dk"})
    assert resp.status_code == 400
    assert b"The password must not be your e-mail address." in resp.data
    resp = admin_client.post(url, data=data | {"new_password": "password12345"})
    assert resp.status_code == 400
    assert b"too common" in resp.data
    resp = admin_client.post(url, data=data | {"new_password": "cykelsti-om-natten"})
    assert resp.status_code == 302


def test_an_unknown_address_costs_a_password_check_too(client, kit, monkeypatch) -> None:
    """Answering faster for unknown addresses would tell which ones have an account."""
    import fieldapp.auth.services as services

    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(
        services, "check_password_hash", lambda h, p: checked.append(p) or real(h, p)
    )
    assert login(client, "some-password-1", "nobody@example.dk").status_code == 401
    assert checked == ["some-password-1"]
