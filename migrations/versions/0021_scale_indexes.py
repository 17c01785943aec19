"""indexes at a municipality's scale: drop ix_issue_area_id, a partial index of meeting observations

Revision ID: 0021
Revises: 0020

- ix_issue_area_id (migration 0002, issue.area_id alone) goes: 0019's ix_issue_area_created
  (area_id, created_at, id) starts with area_id and so serves every lookup it did (the triage
  list by area, SET NULL when an area is deleted, area_contents' counts) on both engines; one
  index less to write on every issue insert and area reassignment.
- ix_observation_meeting_id (0003) becomes ix_observation_meeting (meeting_id, created_at, id)
  WHERE meeting_id IS NOT NULL. Almost no observation has a meeting, so after ANALYZE the full
  index told SQLite that `meeting_id = ?` matches every row, and a meeting's observations were
  read by scanning the table in created_at order (0.6 s at 300,000 observations, twice on the
  presenter view). The partial index holds only meeting observations, in the order read.

The downgrade restores both indexes of before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

HAS_MEETING = "meeting_id IS NOT NULL"


def upgrade() -> None:
    op.drop_index("ix_issue_area_id", table_name="issue")
    op.drop_index("ix_observation_meeting_id", table_name="observation")
    op.create_index(
        "ix_observation_meeting",
        "observation",
        ["meeting_id", "created_at", "id"],
        sqlite_where=sa.text(HAS_MEETING),
        postgresql_where=sa.text(HAS_MEETING),
    )


def downgrade() -> None:
    op.drop_index("ix_observation_meeting", table_name="observation")
    op.create_index("ix_observation_meeting_id", "observation", ["meeting_id"], unique=False)
    op.create_index("ix_issue_area_id", "issue", ["area_id"], unique=False)
