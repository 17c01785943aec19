"""The only engine-specific SQL in triage: the UTC hour of a timestamp, case-folded and
full-text search.

SQLite stores our datetimes as naive UTC text; PostgreSQL as timestamptz, whose EXTRACT follows
the session time zone, so it is pinned to UTC here. Everything else is portable SQLAlchemy.
"""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    bindparam,
    column,
    event,
    false,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import text as text_clause
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
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
        dbapi_connection.create_function(
            "fieldapp_match_words", -1, _match_words, deterministic=True
        )


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


# --- Full-text search: word prefixes, through each engine's own index ----------------------
# Built by migration tlist_1: PostgreSQL a generated tsvector column `search_vector` ('simple'
# configuration) with a GIN index; SQLite an FTS5 external-content table `<table>_fts` kept in
# step by triggers. Both tokenise on letters and digits, fold case and keep æ, ø, å, so a
# search gives the same rows on both. Other engines fall back to LIKE on each word.

SEARCH_COLUMNS = {"observation": ("text",), "issue": ("title", "description")}
# Schema objects the migration creates outside the models (tests/test_migrations.py).
SEARCH_TABLE_PREFIXES = tuple(f"{table}_fts" for table in SEARCH_COLUMNS)
SEARCH_VECTOR_COLUMN = "search_vector"
MAX_SEARCH_WORDS = 10
_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The words of a search, case-folded, in order, without repeats (at most 10)."""
    words = []
    for word in _WORD.findall(text.casefold()):
        if word not in words:
            words.append(word)
    return words[:MAX_SEARCH_WORDS]


class matches_words(ColumnElement):  # noqa: N801
    """Rows of `table` whose searchable text has a word starting with each of `words`."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, table, words: list[str]):
        self.table = table
        self.words = list(words)


@compiles(matches_words)
def _matches_default(element, compiler, **kw):
    terms = [
        or_(
            *(
                contains_text(element.table.c[col], word)
                for col in SEARCH_COLUMNS[element.table.name]
            )
        )
        for word in element.words
    ]
    return compiler.process(and_(*terms), **kw)


@compiles(matches_words, "postgresql")
def _matches_postgresql(element, compiler, **kw):
    # 'word':* is a prefix match; quoting keeps any letter the parser would read as syntax.
    query = " & ".join("'" + w.replace("'", "''") + "':*" for w in element.words)
    vector = compiler.process(table(element.table.name, column(SEARCH_VECTOR_COLUMN)).c[0], **kw)
    param = compiler.process(bindparam("fts_query", query, unique=True), **kw)
    return f"{vector} @@ to_tsquery('simple', {param})"


def _fts5_query(words: list[str]) -> str:
    """An FTS5 prefix query, "word"* per word; the quotes keep every word a plain string."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


@compiles(matches_words, "sqlite")
def _matches_sqlite(element, compiler, **kw):
    # Many matches (see text_search): the list index is read in its order and each row checked
    # by the same word-prefix rule in Python; a page is full after a few hundred rows. (Asking
    # FTS5 per row is slow for prefixes; collecting every match first costs 0.3 s at 200k.)
    cols = ", ".join(
        compiler.process(element.table.c[name], **kw) for name in SEARCH_COLUMNS[element.table.name]
    )
    param = compiler.process(bindparam("fts_words", " ".join(element.words), unique=True), **kw)
    return f"fieldapp_match_words({param}, {cols})"


def _match_words(words: str, *texts) -> int:
    """SQLite function: 1 when every word starts a word of the texts (FTS5's unicode61 rule)."""
    tokens = set()
    for text in texts:
        if text:
            tokens.update(_WORD.findall(text.casefold()))
    return int(all(any(t.startswith(w) for t in tokens) for w in words.split()))


# SQLite: a search matching at most this many rows is looked up by id through FTS5 (a few ms);
# above it the list index is read in order and each row checked (stops after a page).
SQLITE_FEW_MATCHES = 2000


def text_search(session, model, text: str):
    """The triage search box: every word of `text` starts a word of the row's text (title and
    description for issues), case-insensitive. Nothing to search for matches nothing."""
    words = search_words(text)
    if not words:
        return false()
    clause = matches_words(model.__table__, words)
    if session.get_bind().dialect.name == "sqlite":
        # Without this, a rare word costs a scan of the whole list index (0.3 s at 1M rows)
        # probing an empty or tiny match set; reading the first few matches costs ~1 ms.
        fts = f"{model.__tablename__}_fts"
        few = session.scalars(
            select(literal_column("rowid"))
            .select_from(text_clause(fts))
            .where(literal_column(fts).op("MATCH")(_fts5_query(words)))
            .limit(SQLITE_FEW_MATCHES + 1)
        ).all()
        if len(few) <= SQLITE_FEW_MATCHES:
            return model.id.in_(few) if few else false()
    return clause


def models_describe(name: str | None, type_: str, _parent_names=None) -> bool:
    """Alembic's include_name: False for the search objects the models do not describe (the
    FTS5 tables and their shadow tables, the tsvector column and its index)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE_PREFIXES)
    if type_ in ("column", "index"):
        return not name.endswith(SEARCH_VECTOR_COLUMN)
    return True
