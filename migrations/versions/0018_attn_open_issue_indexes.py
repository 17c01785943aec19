"""needs attention: partial indexes over the open issues, covering what its sources test

Revision ID: 0018
Revises: 0017

At 1M observations / 200k issues every needs-attention count read closed issues too (the due
date and category indexes span all of history). These two indexes hold the open backlog only,
with the columns the sources filter on, so a capped count is an index-only scan of it and the
first items of a source are read in id order (bench/RESULTS.md, "Session 4: needs attention at
1M"). The predicate is spelled as fieldapp.triage.models.OPEN_ISSUE_SQL at this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OPEN_ISSUE_SQL = "status IN ('forwarded', 'in_progress', 'new', 'triaged')"
COLUMNS = ["owner_id", "due_at", "category", "status_changed_at", "status"]


def upgrade():
    where = sa.text(OPEN_ISSUE_SQL)
    for name, lead in (
        ("ix_issue_open_by_id", ["id", "administration_id"]),
        ("ix_issue_open_by_org", ["administration_id", "id"]),
    ):
        op.create_index(
            name, "issue", lead + COLUMNS, unique=False, sqlite_where=where, postgresql_where=where
        )


def downgrade():
    op.drop_index("ix_issue_open_by_org", table_name="issue")
    op.drop_index("ix_issue_open_by_id", table_name="issue")
