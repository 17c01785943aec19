"""observation_month: observations per area x category x local month x time of day, for the
dashboards, filled from the observations

Revision ID: 0016
Revises: 0015

The table is kept in step by fieldapp/stats/summary.py on every flush; here it is created and
counted once from what is stored, in SQL frozen from what that module's rebuild() did when this
migration was written (the app's code may change later; a migration must not): the area is the
observation's own, else its walk's, else 0; months and times of day are Copenhagen time.

PostgreSQL converts with its own time-zone database (AT TIME ZONE). SQLite has none, so the
statement spells out the EU summer-time rule Denmark follows since 1996 (last Sunday of March
01:00 UTC to last Sunday of October 01:00 UTC); the few rows before 1996 (other rules) are
counted here in Python with zoneinfo. Both give what zoneinfo gives.
"""

from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ZONE = "Europe/Copenhagen"
EU_RULE_FROM = "1996-01-01"
# fieldapp.triage.filters.TIMES_OF_DAY when this was written: local hours [start, end).
BANDS = (("morning", 6, 10), ("day", 10, 17), ("evening", 17, 22))  # else "night"


def _band_sql(hour: str) -> str:
    whens = " ".join(f"WHEN {hour} >= {s} AND {hour} < {e} THEN '{code}'" for code, s, e in BANDS)
    return f"CASE {whens} ELSE 'night' END"


def _local_sql(dialect: str) -> tuple[str, str]:
    """(yyyymm, hour) of o.created_at in Copenhagen time, as SQL expressions."""
    if dialect == "postgresql":
        local = f"(o.created_at AT TIME ZONE '{ZONE}')"
        month = f"CAST(EXTRACT(YEAR FROM {local}) * 100 + EXTRACT(MONTH FROM {local}) AS INTEGER)"
        return month, f"CAST(EXTRACT(HOUR FROM {local}) AS INTEGER)"
    # SQLite stores naive UTC text; summer time starts and ends at 01:00 UTC on the last Sunday
    # of March and of October (the first Sunday on or after the 25th).
    year = "strftime('%Y', o.created_at)"
    start = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hours')"
    end = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hours')"
    offset = (
        f"CASE WHEN o.created_at >= {start} AND o.created_at < {end} "
        "THEN '+2 hours' ELSE '+1 hours' END"
    )
    local = f"datetime(o.created_at, {offset})"
    return (
        f"CAST(strftime('%Y%m', {local}) AS INTEGER)",
        f"CAST(strftime('%H', {local}) AS INTEGER)",
    )


def _fill() -> None:
    bind = op.get_bind()
    month, hour = _local_sql(bind.dialect.name)
    source = (
        "FROM observation o LEFT OUTER JOIN walk w ON w.id = o.walk_id "
        "WHERE o.created_at >= :rule_from"
    )
    # Only constants are formatted into this statement.
    bind.execute(
        sa.text(
            "INSERT INTO observation_month "  # noqa: S608
            "(area_key, category, month, band, count, safety_sum, safety_count) "
            "SELECT area_key, category, month, band, COUNT(*), COALESCE(SUM(safety), 0), "
            "COUNT(safety) FROM (SELECT COALESCE(o.area_id, w.area_id, 0) AS area_key, "
            f"o.category AS category, {month} AS month, {_band_sql(hour)} AS band, "
            f"o.safety AS safety {source}) AS t GROUP BY area_key, category, month, band"
        ),
        {"rule_from": _rule_from(bind)},
    )
    _fill_before_rule(bind)


def _rule_from(bind):
    # SQLite compares the stored text (SQLAlchemy's naive UTC format).
    if bind.dialect.name == "sqlite":
        return EU_RULE_FROM + " 00:00:00.000000"
    return datetime.fromisoformat(EU_RULE_FROM).replace(tzinfo=UTC)


def _fill_before_rule(bind) -> None:
    """Rows before 1996 (none in practice): counted with zoneinfo, added to the table."""
    zone = ZoneInfo(ZONE)
    rows = bind.execute(
        sa.text(
            "SELECT COALESCE(o.area_id, w.area_id, 0), o.category, o.created_at, o.safety "
            "FROM observation o LEFT OUTER JOIN walk w ON w.id = o.walk_id "
            "WHERE o.created_at < :rule_from"
        ),
        {"rule_from": _rule_from(bind)},
    )
    table: dict = defaultdict(lambda: [0, 0, 0])
    for area_key, category, created, safety in rows:
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        local = created.astimezone(zone)
        band = next((c for c, s, e in BANDS if s <= local.hour < e), "night")
        entry = table[(area_key, category, local.year * 100 + local.month, band)]
        entry[0] += 1
        if safety is not None:
            entry[1] += safety
            entry[2] += 1
    for (area_key, category, month, band), (count, total, n) in table.items():
        keys = {"a": area_key, "c": category, "m": month, "b": band}
        updated = bind.execute(
            sa.text(
                "UPDATE observation_month SET count = count + :n, "
                "safety_sum = safety_sum + :s, safety_count = safety_count + :k "
                "WHERE area_key = :a AND category = :c AND month = :m AND band = :b"
            ),
            {**keys, "n": count, "s": total, "k": n},
        )
        if not updated.rowcount:
            bind.execute(
                sa.text(
                    "INSERT INTO observation_month "
                    "(area_key, category, month, band, count, safety_sum, safety_count) "
                    "VALUES (:a, :c, :m, :b, :n, :s, :k)"
                ),
                {**keys, "n": count, "s": total, "k": n},
            )


def upgrade():
    op.create_table(
        "observation_month",
        sa.Column("area_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("safety_sum", sa.Integer(), nullable=False),
        sa.Column("safety_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "area_key", "category", "month", "band", name=op.f("pk_observation_month")
        ),
    )
    _fill()


def downgrade():
    op.drop_table("observation_month")
