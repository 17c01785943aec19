"""triage list at 1M rows: stored priority rank and due-date sort key, full-text search

Revision ID: 0013
Revises: 0012

- issue.priority_rank (0 low … 3 urgent) and issue.due_sort (due_at, or year 9000 when there is
  none), each with an index ending in (created_at | id), so the "priority" and "due date" sorts
  are read in index order instead of sorting a CASE / COALESCE over every issue. The app keeps
  both in step with priority and due_at (fieldapp/triage/models.py); filled here for old rows.
- Full-text search for the triage search box, word prefixes ("belys" finds "belysning"):
  PostgreSQL: a generated tsvector column `search_vector` ('simple' configuration: no stemming,
  so Danish and English words match as typed) with a GIN index, on observation and issue.
  SQLite: FTS5 external-content tables observation_fts / issue_fts (unicode61 tokenizer that
  keeps æ, ø, å) kept in step by triggers, filled from the existing rows.
"""

# ruff: noqa: S608  (every name in the SQL below is one of this file's constants)

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

RANKS = {"low": 0, "normal": 1, "high": 2, "urgent": 3}

PG_VECTORS = {
    "observation": "to_tsvector('simple', coalesce(text, ''))",
    "issue": "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))",
}
SQLITE_FTS = {"observation": ("text",), "issue": ("title", "description")}


def _sqlite_fts_up(table: str, cols: tuple[str, ...]) -> None:
    fts = f"{table}_fts"
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} WHEN {changed} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade():
    dialect = op.get_bind().dialect.name
    far = "'9000-01-01 00:00:00+00'" if dialect == "postgresql" else "'9000-01-01 00:00:00.000000'"
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority_rank", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column(
                "due_sort",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.text(far),
            )
        )
    for priority, rank in RANKS.items():
        if rank != 1:
            op.execute(f"UPDATE issue SET priority_rank = {rank} WHERE priority = '{priority}'")
    op.execute("UPDATE issue SET due_sort = due_at WHERE due_at IS NOT NULL")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index("ix_issue_priority_rank", ["priority_rank", "created_at", "id"])
        batch_op.create_index("ix_issue_due_sort", ["due_sort", "id"])

    if dialect == "postgresql":
        for table, vector in PG_VECTORS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({vector}) STORED"
            )
            op.execute(
                f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)"
            )
    elif dialect == "sqlite":
        for table, cols in SQLITE_FTS.items():
            _sqlite_fts_up(table, cols)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in PG_VECTORS:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    elif dialect == "sqlite":
        for table in SQLITE_FTS:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_due_sort")
        batch_op.drop_index("ix_issue_priority_rank")
        batch_op.drop_column("due_sort")
        batch_op.drop_column("priority_rank")
