"""map grid cells on observations and issues, filled from lat/lon, with indexes for map views

Revision ID: 0015
Revises: 0014

grid_y/grid_x are the cell of a 1/1000-degree grid (fieldapp.geo.grid_cell): the triage map
asks for a view as ranges of whole numbers and clusters by integer division of them, both read
from an index. Existing rows are filled here with the same arithmetic as the Python side.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PER_DEGREE = 1000  # fieldapp.geo.GRID_PER_DEGREE at the time of this migration


def _floor(expr: str) -> str:
    # The values are never negative (offset by 90 and 180), so SQLite's truncating CAST is a
    # floor; PostgreSQL's CAST rounds, hence FLOOR there.
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(FLOOR({expr}) AS INTEGER)"
    return f"CAST({expr} AS INTEGER)"


def upgrade():
    for table in ("observation", "issue"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("grid_y", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("grid_x", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} SET grid_y = {_floor(f'(lat + 90) * {PER_DEGREE}')}, "  # noqa: S608
            f"grid_x = {_floor(f'(lon + 180) * {PER_DEGREE}')} "
            "WHERE lat IS NOT NULL AND lon IS NOT NULL"
        )
    op.create_index("ix_observation_issue_grid", "observation", ["issue_id", "grid_y", "grid_x"])
    op.create_index("ix_issue_status_grid", "issue", ["status", "grid_y", "grid_x"])


def downgrade():
    op.drop_index("ix_issue_status_grid", table_name="issue")
    op.drop_index("ix_observation_issue_grid", table_name="observation")
    for table in ("issue", "observation"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("grid_x")
            batch_op.drop_column("grid_y")
