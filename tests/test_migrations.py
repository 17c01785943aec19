"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fieldapp.extensions import db
from fieldapp.triage.sqlfuncs import models_describe


def _tables() -> set[str]:
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if models_describe(name, "table")}


def _diff() -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": models_describe}
        )
        return compare_metadata(ctx, db.metadata)


def test_models_and_migrations_agree(app) -> None:
    assert _diff() == []


def test_downgrade_to_base_and_upgrade_to_head(app) -> None:
    # No session may hold a transaction (and PostgreSQL locks) while tables are dropped.
    db.session.remove()
    tables = set(db.metadata.tables)
    assert {"user", "walk", "participant", "observation", "photo"} <= tables
    assert _tables() == tables
    try:
        downgrade(revision="base")
        assert _tables() == set()
    finally:
        # Whatever happened, leave the schema at head for the tests that follow.
        upgrade()
    assert _tables() == tables
    assert _diff() == []


def _indexes(table: str) -> set[str]:
    with db.engine.connect() as conn:
        return {i["name"] for i in inspect(conn).get_indexes(table)}


def test_0021_index_changes_and_their_downgrade(app) -> None:
    """ix_issue_area_created (area_id, created_at, id) covers what ix_issue_area_id served;
    the meeting observations' index becomes partial (tests/meetings/test_meeting_index.py)."""
    db.session.remove()
    assert "ix_issue_area_id" not in _indexes("issue")
    assert "ix_issue_area_created" in _indexes("issue")
    assert "ix_observation_meeting" in _indexes("observation")
    assert "ix_observation_meeting_id" not in _indexes("observation")
    try:
        downgrade(revision="0020")
        assert "ix_issue_area_id" in _indexes("issue")
        assert "ix_observation_meeting_id" in _indexes("observation")
        assert "ix_observation_meeting" not in _indexes("observation")
    finally:
        upgrade()
    assert "ix_issue_area_id" not in _indexes("issue")
    assert "ix_observation_meeting" in _indexes("observation")
    assert _diff() == []


def test_0022_index_changes_and_their_downgrade(app) -> None:
    """ix_observation_issue_area (issue_id, area_id, lat, lon) replaces the index on issue_id
    alone, whose lookups it serves (tests/meetings/test_meeting_services.py: reported there)."""
    db.session.remove()
    assert "ix_observation_issue_area" in _indexes("observation")
    assert "ix_observation_issue_id" not in _indexes("observation")
    try:
        downgrade(revision="0021")
        assert "ix_observation_issue_id" in _indexes("observation")
        assert "ix_observation_issue_area" not in _indexes("observation")
    finally:
        upgrade()
    assert "ix_observation_issue_area" in _indexes("observation")
    assert "ix_observation_issue_id" not in _indexes("observation")
    assert _diff() == []


def test_0023_repairs_what_sqlite_left_pointing_at_nothing(app) -> None:
    """Before foreign keys were on, SQLite kept rows whose parent was deleted; 0023 does what
    ON DELETE says: SET NULL unlinks (a walk's organiser), CASCADE deletes (its participants)."""
    import sqlite3

    import factories
    import pytest

    from fieldapp.orgs.models import Administration
    from fieldapp.walks.models import Participant, Walk

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has always enforced its foreign keys: nothing to repair")
    administration = Administration(name="Nedlagt forvaltning", kind="municipality")
    db.session.add(administration)
    db.session.commit()
    organised = factories.make_walk(administration_id=administration.id)
    gone = factories.make_walk(title="Slettet vandring")
    db.session.add(Participant(walk_id=gone.id, role="resident"))
    db.session.commit()
    ids = (organised.id, administration.id, gone.id)
    db.session.remove()
    downgrade(revision="0022")
    try:
        # What an old install could hold: parents deleted with foreign keys off.
        raw = sqlite3.connect(db.engine.url.database)
        raw.execute("DELETE FROM administration WHERE id = ?", (ids[1],))
        raw.execute("DELETE FROM walk WHERE id = ?", (ids[2],))
        raw.commit()
        assert raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.close()
    finally:
        upgrade()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.session.get(Walk, ids[0]).administration_id is None
    assert db.session.query(Participant).filter_by(walk_id=ids[2]).count() == 0
