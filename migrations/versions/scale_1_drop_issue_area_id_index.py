"""drop ix_issue_area_id: ix_issue_area_created (area_id, created_at, id) covers it

Revision ID: scale_1
Revises: 0020

Migration 0002 indexed issue.area_id alone; 0019 added ix_issue_area_created, which starts
with area_id and so serves every lookup the single-column index did (the triage list by area,
SET NULL when an area is deleted, area_contents' counts) on both engines. One index less to
write on every issue insert and area reassignment at 200,000 issues. The downgrade builds it
again.
"""

from alembic import op

revision = "scale_1"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_issue_area_id", table_name="issue")


def downgrade() -> None:
    op.create_index("ix_issue_area_id", "issue", ["area_id"], unique=False)
