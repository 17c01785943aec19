"""success criteria of every shape: yearly change by category, milestones, values per period

Adds to success_criterion the category counted by a yearly-change criterion and a milestone's
due date, action item and hand-marked achievement date; gives criterion_value a period ("" for
the whole year, H1/H2, Q1–Q4) and makes (criterion, year, period) unique instead of
(criterion, year).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("success_criterion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("action_item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("achieved_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_success_criterion_action_item_id"), ["action_item_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_success_criterion_action_item_id_action_item"),
            "action_item",
            ["action_item_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("criterion_value", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("period", sa.String(length=2), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_criterion_value_year", type_="unique")
        batch_op.create_unique_constraint(
            "uq_criterion_value_period", ["criterion_id", "year", "period"]
        )


def downgrade():
    # Period values other than the whole year cannot live under (criterion, year) alone.
    op.execute("DELETE FROM criterion_value WHERE period <> ''")
    with op.batch_alter_table("criterion_value", schema=None) as batch_op:
        batch_op.drop_constraint("uq_criterion_value_period", type_="unique")
        batch_op.create_unique_constraint("uq_criterion_value_year", ["criterion_id", "year"])
        batch_op.drop_column("period")

    with op.batch_alter_table("success_criterion", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_success_criterion_action_item_id_action_item"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_success_criterion_action_item_id"))
        batch_op.drop_column("achieved_on")
        batch_op.drop_column("action_item_id")
        batch_op.drop_column("due_date")
        batch_op.drop_column("category")
