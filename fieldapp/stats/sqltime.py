"""The one engine-specific expression of the dashboards: a timestamp's UTC hour as a whole
number yyyymmddhh, to count raw observations per hour in SQL and turn each hour into local time
in Python (exact for zones whose offsets are whole hours and change on the hour, such as
Copenhagen), instead of reading every timestamp.

SQLite stores naive UTC text; PostgreSQL's timestamptz is pinned to UTC here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_hour_key(FunctionElement):  # noqa: N801  (reads like the SQL function it stands for)
    """`utc_hour_key(column)`: yyyymmddhh of a UTC timestamp column."""

    type = BigInteger()
    name = "utc_hour_key"
    inherit_cache = True


@compiles(utc_hour_key)
def _default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(to_char(({arg}) AT TIME ZONE 'UTC', 'YYYYMMDDHH24') AS BIGINT)"


@compiles(utc_hour_key, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"CAST(strftime('%Y%m%d%H', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


def hour_start(key: int) -> datetime:
    """The UTC moment a utc_hour_key value stands for."""
    return datetime(key // 1_000_000, key // 10_000 % 100, key // 100 % 100, key % 100, tzinfo=UTC)
