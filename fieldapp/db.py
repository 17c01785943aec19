"""Declarative base and shared column helpers for every model."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeDecorator

from fieldapp.geo import grid_cell

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def tune_sqlite(engine) -> None:
    """SQLite as a real server's database: write-ahead log, a patient writer, foreign keys.

    In WAL mode readers never block the writer (and the other way round), and a writer waits up
    to 15 s for another instead of failing with "database is locked" at once; with several
    gunicorn workers, threads and the photo/mail worker sharing one file, the default rollback
    journal turned bursts of submissions into 500s. SQLite ignores foreign keys unless asked
    per connection: on, ON DELETE CASCADE / SET NULL do what they say, as on PostgreSQL, and a
    delete can never leave a row pointing at nothing. No-op on other engines.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both engines.

    SQLite drops the offset that PostgreSQL keeps; normalising here means the rest of the code
    always compares aware UTC values, whatever the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GridCellMixin:
    """grid_y/grid_x: the map grid cell of lat/lon (geo.grid_cell), kept in step on every ORM
    insert and update so map queries can use an index on whole numbers."""

    grid_y: Mapped[int | None]
    grid_x: Mapped[int | None]


@event.listens_for(GridCellMixin, "before_insert", propagate=True)
@event.listens_for(GridCellMixin, "before_update", propagate=True)
def _fill_grid_cell(_mapper, _connection, target) -> None:
    target.grid_y, target.grid_x = grid_cell(target.lat, target.lon)


def upsert_add(connection, table, keys: list[str], rows: list[dict]) -> None:
    """Insert `rows` into a counter table, or add their other columns to the row with the same
    `keys` (INSERT ... ON CONFLICT DO UPDATE, which both engines speak with their own dialect):
    concurrent transactions adding to one row never lose a count."""
    if not rows:
        return
    added = tuple(name for name in rows[0] if name not in keys)
    stmt = _upsert_statement(connection.dialect.name, table, tuple(keys), added)
    connection.execute(stmt, rows)


@functools.cache
def _upsert_statement(dialect: str, table, keys: tuple[str, ...], added: tuple[str, ...]):
    """Built once per table and dialect: the summaries upsert on every submission, and making
    the statement (its `excluded` columns above all) cost more CPU than sending it."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + stmt.excluded[name] for name in added},
    )


def inserted_values(obj, names: tuple[str, ...]) -> tuple | None:
    """The column values a just-INSERTed object was stored with, from memory (no SELECT); None
    when one of them is not known without asking the database.

    Called from after_flush by the summary tables (stats/summary.py, triage/map_summary.py) so a
    new row's counts need no read-back. A value is known when it is loaded and a plain value
    (not a SQL expression the database evaluated), or when the attribute was never set and its
    column has no default of any kind: the ORM then inserts NULL. A server default, a Python
    default the object does not hold, or an expired attribute is unknown.
    """
    state = inspect(obj)
    columns = state.mapper.columns
    values = []
    for name in names:
        if name in state.dict:
            value = state.dict[name]
            if isinstance(value, ClauseElement) or hasattr(value, "__clause_element__"):
                return None
        elif name in state.expired_attributes:
            return None
        else:
            column = columns[name]
            defaults = (column.default, column.server_default)
            if column.primary_key or any(d is not None for d in defaults):
                return None
            value = None
        values.append(value)
    return tuple(values)
