"""The embedded SQLite database runs in WAL mode with a patient writer (fieldapp.db.tune_sqlite)."""

from __future__ import annotations

import threading

from sqlalchemy import text

from fieldapp import create_app
from fieldapp.extensions import db


def test_a_file_database_uses_the_write_ahead_log_and_waits_for_a_busy_writer(tmp_path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
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
