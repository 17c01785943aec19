"""The only engine-specific SQL in triage: the UTC hour of a timestamp, case-folded search.

SQLite stores our datetimes as naive UTC text; PostgreSQL as timestamptz, whose EXTRACT follows
the session time zone, so it is pinned to UTC here. Everything else is portable SQLAlchemy.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Integer, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_hour(FunctionElement):  # noqa: N801  (reads like the SQL function it stands for)
    """`utc_hour(column)`: 0–23, the hour of a UTC timestamp column."""

    type = Integer()
    name = "utc_hour"
    inherit_cache = True


@compiles(utc_hour)
def _utc_hour_default(element, compiler, **kw):
    return f"EXTRACT(HOUR FROM {compiler.process(element.clauses, **kw)})"


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%H', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(HOUR FROM ({arg}) AT TIME ZONE 'UTC') AS INTEGER)"


# --- Case-insensitive text search that knows Danish letters ---------------------------------
# SQLite's lower() and LIKE fold ASCII only ("Ø" ≠ "ø"); PostgreSQL's ILIKE folds by locale.
# On SQLite a Python function does the folding instead, registered on every new connection.


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("fieldapp_casefold", 1, _casefold, deterministic=True)


class casefold(FunctionElement):  # noqa: N801
    """Unicode case folding of a text column, for a LIKE against a casefolded pattern."""

    type = String()
    name = "casefold"
    inherit_cache = True


@compiles(casefold)
def _casefold_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(casefold, "sqlite")
def _casefold_sqlite(element, compiler, **kw):
    return f"fieldapp_casefold({compiler.process(element.clauses, **kw)})"


def contains_text(column, text: str):
    """`column` contains `text`, ignoring case; % and _ in `text` match literally."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return casefold(column).like(f"%{escaped}%", escape="\\")
