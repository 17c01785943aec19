"""map_cell: loose observations and issues counted per ~1 km map cell, for zoomed-out maps

Revision ID: 0017
Revises: 0016

Kept in step by fieldapp/triage/map_summary.py on every flush; filled here from the grid cells
of migration 0015 with the same INSERT ... SELECT as its rebuild().
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COARSE = 10  # fieldapp.triage.map_summary.COARSE at the time of this migration


def upgrade():
    op.create_table(
        "map_cell",
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("cy", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("sum_y", sa.BigInteger(), nullable=False),
        sa.Column("sum_x", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "status", "category", "cy", "cx", name=op.f("pk_map_cell")),
    )
    cells = f"grid_y / {COARSE}, grid_x / {COARSE}"
    # Only constants are formatted into these statements.
    op.execute(
        "INSERT INTO map_cell (kind, status, category, cy, cx, count, sum_y, sum_x) "  # noqa: S608
        f"SELECT 'o', '', category, {cells}, COUNT(*), SUM(grid_y), SUM(grid_x) "
        "FROM observation WHERE issue_id IS NULL AND grid_y IS NOT NULL AND grid_x IS NOT NULL "
        f"GROUP BY category, {cells}"
    )
    op.execute(
        "INSERT INTO map_cell (kind, status, category, cy, cx, count, sum_y, sum_x) "  # noqa: S608
        f"SELECT 'i', status, category, {cells}, COUNT(*), SUM(grid_y), SUM(grid_x) "
        "FROM issue WHERE grid_y IS NOT NULL AND grid_x IS NOT NULL "
        f"GROUP BY status, category, {cells}"
    )


def downgrade():
    op.drop_table("map_cell")
