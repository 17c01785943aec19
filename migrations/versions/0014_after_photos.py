"""after photos: a photo belongs to an observation or (added by staff) to an issue

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.alter_column("observation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("issue_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_photo_issue_id_issue"), "issue", ["issue_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photo_added_by_id_user"),
            "user",
            ["added_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_photo_issue_id"), ["issue_id"])
        batch_op.create_check_constraint(
            "observation_or_issue", "(observation_id IS NULL) <> (issue_id IS NULL)"
        )


def downgrade():
    # Staff "after" photos have no observation to belong to: they go with the column.
    op.execute("DELETE FROM photo WHERE observation_id IS NULL")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_constraint("observation_or_issue", type_="check")
        batch_op.drop_index(batch_op.f("ix_photo_issue_id"))
        batch_op.drop_constraint(batch_op.f("fk_photo_added_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_photo_issue_id_issue"), type_="foreignkey")
        batch_op.drop_column("added_by_id")
        batch_op.drop_column("issue_id")
        batch_op.alter_column("observation_id", existing_type=sa.Integer(), nullable=False)
