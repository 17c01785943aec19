"""dashboards at 1M rows: issue resolution times, walk_month and cell_month summaries, indexes

Revision ID: 0020
Revises: 0019

Kept in step afterwards by fieldapp/stats/issue_times.py and fieldapp/stats/place_summary.py;
filled here once from what is stored, in SQL (and Python for what SQL cannot say the same way on
both engines) frozen from those modules as they were written: no app code is imported.

- issue.resolved_at / forwarded_at: the last status event to "resolved" / "forwarded";
  resolve_us / handling_us: whole microseconds from creation, and from that forwarding, to
  that resolution (computed in Python: exact on both engines).
- walk_month: safety feelings per walk × area × Copenhagen month; cell_month: observations per
  ~100 m cell × category × area × Copenhagen month. The area is the observation's own, else
  its walk's, else 0. Copenhagen months as in migration 0016 (SQL for 1996 on, zoneinfo before).
"""

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ZONE = "Europe/Copenhagen"
EU_RULE_FROM = "1996-01-01"
LAT_STEP = 100 / 111_320
LON_STEP = LAT_STEP / math.cos(math.radians(56.0))
ISSUE_COLUMNS = (
    ("resolved_at", sa.DateTime(timezone=True)),
    ("forwarded_at", sa.DateTime(timezone=True)),
    ("resolve_us", sa.BigInteger()),
    ("handling_us", sa.BigInteger()),
)
INDEXES = (
    ("ix_issue_status_created_resolve", "issue", ["status", "created_at", "area_id", "resolve_us"]),
    (
        "ix_issue_status_resolved",
        "issue",
        ["status", "resolved_at", "area_id", "administration_id", "handling_us"],
    ),
    (
        "ix_issue_status_area_created",
        "issue",
        ["status", "area_id", "created_at", "resolve_us"],
    ),
    ("ix_issue_event_kind_status_at", "issue_event", ["kind", "to_status", "at", "issue_id"]),
    # An issue's last event to a status (stats/issue_times.last_event) in one seek; without it
    # SQLite answered MAX(at) by walking the index above backwards through every issue's events.
    ("ix_issue_event_issue_status_at", "issue_event", ["issue_id", "kind", "to_status", "at"]),
    (
        "ix_observation_created_cover",
        "observation",
        ["created_at", "area_id", "walk_id", "safety", "category", "lat", "lon"],
    ),
    (
        "ix_observation_month_month",
        "observation_month",
        ["month", "area_key", "band", "category", "count", "safety_sum", "safety_count"],
    ),
)

observation = sa.table(
    "observation",
    sa.column("id", sa.Integer),
    sa.column("lat", sa.Float),
    sa.column("lon", sa.Float),
)


def _cell_sql(bind) -> tuple[str, str]:
    """The hot-spot cell expressions exactly as the app renders them for this engine."""
    lat = sa.cast(sa.func.round(observation.c.lat / sa.literal_column(repr(LAT_STEP))), sa.Integer)
    lon = sa.cast(sa.func.round(observation.c.lon / sa.literal_column(repr(LON_STEP))), sa.Integer)
    compile_kw = {"dialect": bind.dialect}
    return (
        str(lat.compile(**compile_kw)).replace("observation.", "o."),
        str(lon.compile(**compile_kw)).replace("observation.", "o."),
    )


def _month_sql(dialect: str) -> str:
    """yyyymm of o.created_at in Copenhagen time (see migration 0016)."""
    if dialect == "postgresql":
        local = f"(o.created_at AT TIME ZONE '{ZONE}')"
        return f"CAST(EXTRACT(YEAR FROM {local}) * 100 + EXTRACT(MONTH FROM {local}) AS INTEGER)"
    year = "strftime('%Y', o.created_at)"
    start = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hours')"
    end = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hours')"
    offset = (
        f"CASE WHEN o.created_at >= {start} AND o.created_at < {end} "
        "THEN '+2 hours' ELSE '+1 hours' END"
    )
    return f"CAST(strftime('%Y%m', datetime(o.created_at, {offset})) AS INTEGER)"


def _rule_from(bind):
    if bind.dialect.name == "sqlite":
        return EU_RULE_FROM + " 00:00:00.000000"
    return datetime.fromisoformat(EU_RULE_FROM).replace(tzinfo=UTC)


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _fill_summaries(bind) -> None:
    cy, cx = _cell_sql(bind)
    month = _month_sql(bind.dialect.name)
    source = (
        f"SELECT COALESCE(o.area_id, w.area_id, 0) AS area_key, {month} AS month, "  # noqa: S608
        f"o.walk_id AS walk_id, o.safety AS safety, o.category AS category, {cy} AS cy, "
        f"{cx} AS cx FROM observation o LEFT OUTER JOIN walk w ON w.id = o.walk_id "
        "WHERE o.created_at >= :rule_from"
    )
    params = {"rule_from": _rule_from(bind)}
    # Only constants are formatted into these statements.
    bind.execute(
        sa.text(
            "INSERT INTO walk_month (walk_id, area_key, month, safety_sum, safety_count) "  # noqa: S608
            f"SELECT walk_id, area_key, month, SUM(safety), COUNT(*) FROM ({source}) AS t "
            "WHERE walk_id IS NOT NULL AND safety IS NOT NULL GROUP BY walk_id, area_key, month"
        ),
        params,
    )
    bind.execute(
        sa.text(
            "INSERT INTO cell_month (month, area_key, cy, cx, category, count) "  # noqa: S608
            f"SELECT month, area_key, cy, cx, category, COUNT(*) FROM ({source}) AS t "
            "WHERE cy IS NOT NULL AND cx IS NOT NULL GROUP BY month, area_key, cy, cx, category"
        ),
        params,
    )
    _fill_before_rule(bind, cy, cx, params)


def _fill_before_rule(bind, cy: str, cx: str, params: dict) -> None:
    """Observations before 1996 (none in practice): months by zoneinfo, added in Python."""
    zone = ZoneInfo(ZONE)
    rows = bind.execute(
        sa.text(
            "SELECT COALESCE(o.area_id, w.area_id, 0), o.created_at, o.walk_id, o.safety, "  # noqa: S608
            f"o.category, {cy}, {cx} FROM observation o "
            "LEFT OUTER JOIN walk w ON w.id = o.walk_id WHERE o.created_at < :rule_from"
        ),
        params,
    )
    walks: dict = defaultdict(lambda: [0, 0])
    cells: dict = defaultdict(int)
    for area, created, walk_id, safety, category, y, x in rows:
        local = _aware(created).astimezone(zone)
        month = local.year * 100 + local.month
        if walk_id is not None and safety is not None:
            walks[(walk_id, area, month)][0] += safety
            walks[(walk_id, area, month)][1] += 1
        if y is not None and x is not None:
            cells[(month, area, y, x, category)] += 1
    for (walk_id, area, month), (total, n) in walks.items():
        _add_row(
            bind,
            "walk_month",
            {"walk_id": walk_id, "area_key": area, "month": month},
            {"safety_sum": total, "safety_count": n},
        )
    for (month, area, y, x, category), n in cells.items():
        keys = {"month": month, "area_key": area, "cy": y, "cx": x, "category": category}
        _add_row(bind, "cell_month", keys, {"count": n})


def _add_row(bind, table: str, keys: dict, values: dict) -> None:
    where = " AND ".join(f"{k} = :{k}" for k in keys)
    sets = ", ".join(f"{k} = {k} + :{k}" for k in values)
    done = bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE {where}"), {**keys, **values})  # noqa: S608
    if not done.rowcount:
        names = [*keys, *values]
        bind.execute(
            sa.text(
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                f"VALUES ({', '.join(':' + n for n in names)})"
            ),
            {**keys, **values},
        )


def _fill_issue_times(bind) -> None:
    last = (
        "(SELECT MAX(e.at) FROM issue_event e WHERE e.issue_id = issue.id "
        "AND e.kind = 'status' AND e.to_status = '{}')"
    )
    # Only constants are formatted into this statement.
    op.execute(
        f"UPDATE issue SET resolved_at = {last.format('resolved')}, "  # noqa: S608
        f"forwarded_at = {last.format('forwarded')}"
    )
    rows = bind.execute(
        sa.text(
            "SELECT id, created_at, resolved_at, forwarded_at FROM issue "
            "WHERE resolved_at IS NOT NULL"
        )
    ).all()
    micro = timedelta(microseconds=1)
    update = sa.text("UPDATE issue SET resolve_us = :r, handling_us = :h WHERE id = :id")
    params = []
    for issue_id, created, resolved, forwarded in rows:
        resolved = _aware(resolved)
        params.append(
            {
                "id": issue_id,
                "r": (resolved - _aware(created)) // micro,
                "h": (resolved - _aware(forwarded)) // micro if forwarded else None,
            }
        )
    for i in range(0, len(params), 5000):
        bind.execute(update, params[i : i + 5000])


def upgrade():
    for name, type_ in ISSUE_COLUMNS:
        # Plain ADD COLUMN: a batch rebuild of `issue` would drop the FTS5 triggers of 0013.
        op.add_column("issue", sa.Column(name, type_, nullable=True))
    op.create_table(
        "walk_month",
        sa.Column("walk_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("safety_sum", sa.Integer(), nullable=False),
        sa.Column("safety_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("walk_id", "area_key", "month", name=op.f("pk_walk_month")),
    )
    op.create_index(
        "ix_walk_month_month",
        "walk_month",
        ["month", "area_key", "walk_id", "safety_sum", "safety_count"],
    )
    op.create_table(
        "cell_month",
        sa.Column("cy", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "cy", "cx", "month", "area_key", "category", name=op.f("pk_cell_month")
        ),
    )
    op.create_index(
        "ix_cell_month_month", "cell_month", ["month", "area_key", "cy", "cx", "category", "count"]
    )
    bind = op.get_bind()
    _fill_summaries(bind)
    _fill_issue_times(bind)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("cell_month")
    op.drop_table("walk_month")
    for name, _type in reversed(ISSUE_COLUMNS):
        # Both engines drop a plain column in place (SQLite since 3.35): no table rebuild.
        op.execute(f"ALTER TABLE issue DROP COLUMN {name}")
