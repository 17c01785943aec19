"""photo queue: photo.status and the photo_job table (processing off the request path)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=12), server_default="ready", nullable=False)
        )
    op.create_table(
        "photo_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("raw_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photo.id"], name=op.f("fk_photo_job_photo_id_photo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_job")),
        sa.UniqueConstraint("photo_id", name=op.f("uq_photo_job_photo_id")),
    )
    with op.batch_alter_table("photo_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_job_raw_name"), ["raw_name"], unique=False)
        batch_op.create_index("ix_photo_job_status_next", ["status", "next_attempt_at"])


def downgrade():
    with op.batch_alter_table("photo_job", schema=None) as batch_op:
        batch_op.drop_index("ix_photo_job_status_next")
        batch_op.drop_index(batch_op.f("ix_photo_job_raw_name"))
    op.drop_table("photo_job")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_column("status")
