"""Fixtures: a real database migrated to head once per run, emptied after every test.

TEST_DATABASE_URL chooses the engine (scripts/run-tests.sh runs the suite on SQLite and on
PostgreSQL); unset or "sqlite://" means a SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time

import factories
import pytest
from flask.testing import FlaskClient

# moto's S3 server on loopback and buckets for the bucket storage's tests (shared fixtures).
from s3_fixtures import bucket, bucket_app, bucket_down, s3_endpoint  # noqa: F401
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from fieldapp import create_app
from fieldapp.extensions import db

PASSWORDS = factories.PASSWORDS

# Cheap hashes: scrypt costs ~0.1 s per log-in (far more on a busy CI machine), thousands of times.
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"
# Under pytest-xdist ("-n 2") each worker gets a PostgreSQL database of its own, made here.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_worker_databases: list[str] = []


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    if url in ("", "sqlite://"):
        # tmp_path_factory's base folder is per xdist worker, so is this file.
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    if _WORKER and url.startswith("postgresql"):
        return _worker_database(url)
    return url


def _postgres_admin(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _worker_database(url: str) -> str:
    """TEST_DATABASE_URL's database name + "_gw0" (the worker id), dropped and made afresh."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{_WORKER}"
    engine = _postgres_admin(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    _worker_databases.append(url)
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Drop the worker's database once every fixture (and its engines) has been torn down."""
    for url in _worker_databases:
        from sqlalchemy.engine import make_url

        engine = _postgres_admin(url)
        with engine.connect() as conn:
            name = f"{make_url(url).database}_{_WORKER}"
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _reset_schema(url: str) -> None:
    """Start PostgreSQL runs from an empty schema so migrations run from scratch.

    Commits on the test database do not wait for the disk (synchronous_commit off, for every
    later session, the gunicorn test's included): a test commits dozens of times, and on a
    busy machine each flush took milliseconds. Nothing else changes; only a crash of the
    PostgreSQL server itself could lose the last commits.
    """
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        name = conn.scalar(text("SELECT current_database()"))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    engine.dispose()


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """SQLite test databases do not wait for the disk either (see _reset_schema)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    return url


@pytest.fixture(scope="session")
def _migrated_app(db_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            # The whole pipeline in the request, so tests see the finished photo; the queued
            # path has its own tests (tests/media/test_photo_queue.py).
            "PHOTO_PROCESSING": "inline",
            "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        }
    )
    with app.app_context():
        upgrade()
    return app


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # One round trip for every table, not one per table: this runs after each test.
                quote = conn.dialect.identifier_preparer.format_table
                statements = [f"DELETE FROM {quote(table)}" for table in tables]  # noqa: S608
                conn.exec_driver_sql("; ".join(statements))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def app(_migrated_app):
    """The app on the migrated test database; every row written by a test is removed after it."""
    ctx = _migrated_app.app_context()
    ctx.push()
    yield _migrated_app
    db.session.remove()
    ctx.pop()
    _empty_tables(_migrated_app)


@pytest.fixture
def client(app):
    """A browser for the test; like every client here it forgets what `g` cached between requests.

    Tests keep one app context open, which Flask reuses for each request, so without that the
    first request's language, user and CSRF token would leak into the next ones.
    """
    return SecondBrowser(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(role: str = "coordinator", email: str | None = None):
    return factories.make_user(role, email)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, role: str = "coordinator", email: str | None = None):
        email = email or f"{role}@example.dk"
        from fieldapp.auth.services import find_user

        if find_user(db.session, email) is None:
            make_user(role, email)
        return self._client.post(
            "/login", data={"email": email, "password": PASSWORDS[role]}, follow_redirects=False
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def queued(app, monkeypatch, tmp_path):
    """Photos processed by the worker (PHOTO_PROCESSING=queue, as in production), with an upload
    directory of this test's own, so its files can be counted."""
    monkeypatch.setitem(app.config, "PHOTO_PROCESSING", "queue")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    app.extensions.pop("fieldapp_storage", None)
    yield app
    app.extensions.pop("fieldapp_storage", None)


@pytest.fixture
def coordinator(client, auth):
    """`client` logged in as a coordinator, reading the pages in English."""
    english(client)
    auth.login("coordinator")
    return client


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


# --- Shared helpers for the HTTP tests (walks, joining, capture) ---------------------------------


def english(client):
    """Make every request of `client` ask for English, as a browser set to English would.

    Messages are asserted in English so the tests stay valid once Danish catalogues land.
    """
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def make_walk(app):
    """Factory for a walk stored straight in the database (running, in Aalborg, by default)."""
    return factories.make_walk


def join_walk(client, walk, role: str = "resident", display_name: str = ""):
    """Join `walk` from its QR link with `client`, as a participant does on their phone."""
    return client.post(f"/j/{walk.join_token}", data={"role": role, "display_name": display_name})


@pytest.fixture
def participant(client, make_walk):
    """A running walk that `client` has joined as a resident; returns the walk."""
    walk = make_walk()
    resp = join_walk(client, walk)
    assert resp.status_code == 302, resp.status_code
    return walk


class SecondBrowser(FlaskClient):
    """Another phone or browser in the same test.

    Requests run inside the test's app context, so `g` is shared by every client of the test:
    forget what extensions cached there (Flask-Login's user, Flask-Babel's locale, Flask-WTF's
    token), before and after each request, as a request in its own context would.
    """

    _CACHED_ON_G = ("_login_user", "_flask_babel", "csrf_token")

    def open(self, *args, **kwargs):
        from flask import g

        for name in self._CACHED_ON_G:
            g.pop(name, None)
        try:
            return super().open(*args, **kwargs)
        finally:
            for name in self._CACHED_ON_G:
                g.pop(name, None)


@pytest.fixture
def new_browser(app):
    """Factory for extra clients that do not see the first client's login through `g`."""

    def factory(language: str | None = None) -> SecondBrowser:
        browser = SecondBrowser(app, app.response_class, use_cookies=True)
        if language:
            browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        return browser

    return factory


@pytest.fixture(scope="session")
def _engines_seen():
    """Every engine that opened a connection during the run; all are disposed at its end.

    psycopg warns about a connection left to the garbage collector, and with warnings as errors
    that warning fails whichever PostgreSQL test happens to be running when it is collected.
    """
    import weakref

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def remember(conn) -> None:
        engines.add(conn.engine)

    event.listen(Engine, "engine_connect", remember)
    yield engines
    event.remove(Engine, "engine_connect", remember)
    for engine in list(engines):
        engine.dispose()


def _checked_out(engine) -> int:
    checkedout = getattr(engine.pool, "checkedout", None)
    return checkedout() if checkedout else 0


@pytest.fixture(autouse=True)
def _close_pooled_connections(_engines_seen):
    """Dispose the engines first used in this test, such as that of an app the test built itself.

    A connection still checked out once the test and its fixtures are done fails this test:
    disposing would orphan it, and the garbage collector would close it later with a
    ResourceWarning in some unrelated test.
    """
    before = set(_engines_seen)
    yield
    engines = set(_engines_seen)
    deadline = time.monotonic() + 5
    while any(_checked_out(e) for e in engines) and time.monotonic() < deadline:
        time.sleep(0.05)  # a thread the test started may be returning its connection
    leaks = {str(e.url): _checked_out(e) for e in engines if _checked_out(e)}
    for engine in engines - before:
        engine.dispose()
    assert not leaks, f"database connections left checked out after the test: {leaks}"


# Captured now: pytest drops "conftest" from sys.modules before importing each folder's own
# conftest.py, so `from conftest import ...` in a test module may get another folder's file.
_ROOT_CONFTEST = sys.modules[__name__]


@pytest.fixture
def kit():
    """This module's helpers (make_user, PASSWORDS, AuthActions, csrf_token_from, english,
    join_walk), reachable from any test folder whatever conftest.py it has of its own."""
    return _ROOT_CONFTEST
