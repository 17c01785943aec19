"""observation_month: observations per area x category x local month x time of day, for the
dashboards, filled from the observations

Revision ID: 0016
Revises: 0015

The table is kept in step by fieldapp/stats/summary.py on every flush; here it is created and
counted once from what is stored, with that module's own rebuild() so the keys (Copenhagen
months, time-of-day bands) are computed exactly as the app computes them.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "observation_month",
        sa.Column("area_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("safety_sum", sa.Integer(), nullable=False),
        sa.Column("safety_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "area_key", "category", "month", "band", name=op.f("pk_observation_month")
        ),
    )
    from fieldapp.stats.summary import rebuild

    session = Session(bind=op.get_bind())
    rebuild(session)
    session.close()


def downgrade():
    op.drop_table("observation_month")
