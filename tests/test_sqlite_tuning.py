"""The embedded SQLite database: WAL, a patient writer, foreign keys (fieldapp.db.tune_sqlite)."""

from __future__ import annotations

import threading

from sqlalchemy import text

from fieldapp import create_app
from fieldapp.extensions import db


def _file_database_app(tmp_path):
    """The app on a new SQLite file, as `make run` has it (not the tests' shared database)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )


def test_a_file_database_uses_the_write_ahead_log_and_waits_for_a_busy_writer(tmp_path) -> None:
    app = _file_database_app(tmp_path)
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            conn.execute(text("CREATE TABLE t (n INTEGER)"))

        # Another connection holds the write lock for a moment: a write waits for it instead of
        # failing, and a read is not blocked at all.
        locked, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            with engine.connect() as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                conn.exec_driver_sql("INSERT INTO t VALUES (1)")
                locked.set()
                release.wait(5)
                conn.exec_driver_sql("COMMIT")

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert locked.wait(5)
        with db.engine.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        threading.Timer(0.3, release.set).start()
        with db.engine.begin() as writer:
            writer.execute(text("INSERT INTO t VALUES (2)"))
        holder.join()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
        db.engine.dispose()


def test_foreign_keys_hold_on_both_engines(app) -> None:
    """A row cannot point at nothing, and ON DELETE does what it says, on SQLite as on
    PostgreSQL (SQLite ignores foreign keys unless each connection asks)."""
    from factories import make_walk
    from sqlalchemy.exc import IntegrityError

    from fieldapp.capture.models import Observation
    from fieldapp.orgs.models import Administration
    from fieldapp.walks.models import Walk

    db.session.add(Observation(walk_id=10**9, category="lighting", text="x"))
    try:
        db.session.flush()
        raise AssertionError("an observation of a walk that does not exist was stored")
    except IntegrityError:
        db.session.rollback()

    administration = Administration(name="Midlertidig", kind="municipality")
    db.session.add(administration)
    db.session.commit()
    walk = make_walk(administration_id=administration.id)
    db.session.execute(text("DELETE FROM administration WHERE id = :id"), {"id": administration.id})
    db.session.commit()
    assert db.session.get(Walk, walk.id).administration_id is None  # SET NULL
    db.session.expire_all()
    assert db.session.get(Walk, walk.id).administration_id is None


def test_migrations_leave_foreign_keys_on(tmp_path) -> None:
    """migrations/env.py turns foreign keys off for a migration (SQLite rebuilds a table to
    alter it, and with them on, dropping the old copy would delete or unlink the rows pointing
    at it); the connection must go back to the pool with them on again."""
    from flask_migrate import upgrade

    app = _file_database_app(tmp_path)
    with app.app_context():
        upgrade()
        # Several at once, so the pool hands out the migration's connection and new ones.
        with db.engine.connect() as one, db.engine.connect() as two, db.engine.connect() as three:
            for conn in (one, two, three):
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
