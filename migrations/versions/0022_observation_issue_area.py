"""ix_observation_issue_area (issue_id, area_id, lat, lon) replaces ix_observation_issue_id

Revision ID: 0022
Revises: 0021

A meeting's findings "reported in the area" are read from the open issues routed elsewhere,
one index probe each (fieldapp/meetings/findings.py): with area and position in the index, no
observation row is read. The index starts with issue_id, so it serves every lookup the index on
issue_id alone (migration 0002) did, on both engines (SET NULL when an issue is deleted, an
issue's observations and their counts): one index replaces the other.

The downgrade restores the index on issue_id alone.
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_observation_issue_area", "observation", ["issue_id", "area_id", "lat", "lon"]
    )
    op.drop_index("ix_observation_issue_id", table_name="observation")


def downgrade() -> None:
    op.create_index("ix_observation_issue_id", "observation", ["issue_id"], unique=False)
    op.drop_index("ix_observation_issue_area", table_name="observation")
