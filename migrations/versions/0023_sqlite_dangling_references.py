"""SQLite: repair references that point at nothing, now that foreign keys are enforced

Revision ID: 0023
Revises: 0022

Until now SQLite ran with foreign keys off (SQLite's default), so a deleted row could leave
others pointing at it, where PostgreSQL applies each key's ON DELETE. fieldapp/db.py now turns
them on for every connection. This finds what an older SQLite database holds of that kind
(`PRAGMA foreign_key_check`) and does what ON DELETE would have done: SET NULL, or CASCADE
(the row goes). A key without an ON DELETE rule is set to NULL where the column allows it; a
row that can be neither is left as it is and named in the log, never deleted on a guess.
After a CASCADE, `flask stats-summary` recounts the dashboards (the log says so).

PostgreSQL has enforced its keys all along: nothing to do. The downgrade changes nothing (the
references were broken before).
"""

import logging

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    deleted = 0
    left: set[tuple[str, int]] = set()
    # Round after round: the migration runs with foreign keys off (migrations/env.py), so a
    # row deleted here (CASCADE) does not take its own children along; the next round does.
    for _round in range(10):
        problems = [
            row
            for row in bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if (row[0], row[1]) not in left
        ]
        if not problems:
            break
        for table, rowid, parent, fk_id in problems:
            keys = bind.exec_driver_sql(f"PRAGMA foreign_key_list({_quote(table)})").fetchall()
            # (id, seq, table, from, to, on_update, on_delete, match)
            columns = [row[3] for row in keys if row[0] == fk_id]
            on_delete = next(row[6] for row in keys if row[0] == fk_id).upper()
            info = bind.exec_driver_sql(f"PRAGMA table_info({_quote(table)})").fetchall()
            not_null = {row[1] for row in info if row[3]}
            # Table and column names come from the schema itself (the PRAGMAs above).
            if on_delete == "CASCADE":
                sql = f"DELETE FROM {_quote(table)} WHERE rowid = ?"  # noqa: S608
                bind.exec_driver_sql(sql, (rowid,))
                deleted += 1
            elif not_null.isdisjoint(columns):
                assignments = ", ".join(f"{_quote(c)} = NULL" for c in columns)
                sql = f"UPDATE {_quote(table)} SET {assignments} WHERE rowid = ?"  # noqa: S608
                bind.exec_driver_sql(sql, (rowid,))
            else:
                left.add((table, rowid))
                log.warning(
                    "%s row %s points at a missing %s row and cannot be unlinked; left as is",
                    table,
                    rowid,
                    parent,
                )
    if deleted:
        log.warning(
            "%s rows whose parent was gone were deleted (ON DELETE CASCADE); "
            "run `flask stats-summary` to recount the dashboards",
            deleted,
        )


def downgrade() -> None:
    pass
