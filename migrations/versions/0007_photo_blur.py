"""photo: blurred public renditions, the unblurred original kept apart, hidden flag

Photos stored before this revision get blur_regions NULL: their files were never blurred,
so they are not served beyond triage staff.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("original_deleted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("blur_regions", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_photo_original_digest"), ["original_digest"], unique=False
        )


def downgrade():
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_original_digest"))
        batch_op.drop_column("hidden")
        batch_op.drop_column("blur_regions")
        batch_op.drop_column("original_deleted_at")
        batch_op.drop_column("original_digest")
