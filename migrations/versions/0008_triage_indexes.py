"""indexes for triage and dashboards at municipal scale (bench/triage.py, 1M observations)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 17:10:00

- observation (issue_id, created_at, id): the triage list of observations not yet in an issue,
  newest or oldest first, read in index order with keyset paging; the capped tab count; and
  "does this issue have an observation in the period" when issues are filtered by date.
- observation (category, issue_id, created_at): the same list filtered by category.
- observation (created_at): year and period ranges of the dashboards and analyses.
- issue (created_at, id): issues newest first when the status filter is a group (an IN list).
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_observation_issue_created", "observation", ["issue_id", "created_at", "id"])
    op.create_index(
        "ix_observation_category_issue_created",
        "observation",
        ["category", "issue_id", "created_at"],
    )
    op.create_index("ix_observation_created_at", "observation", ["created_at"])
    op.create_index("ix_issue_created", "issue", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_issue_created", table_name="issue")
    op.drop_index("ix_observation_created_at", table_name="observation")
    op.drop_index("ix_observation_category_issue_created", table_name="observation")
    op.drop_index("ix_observation_issue_created", table_name="observation")
