"""walk follow-up reports (introduction, chosen photos, weekly mail limit); participant e-mail with consent

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("email_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))

    op.create_table(
        "walk_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("walk_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("republished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["walk_id"], ["walk.id"], name=op.f("fk_walk_report_walk_id_walk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_report")),
        sa.UniqueConstraint("token", name=op.f("uq_walk_report_token")),
        sa.UniqueConstraint("walk_id", name=op.f("uq_walk_report_walk_id")),
    )
    op.create_table(
        "walk_report_photo",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["photo_id"],
            ["photo.id"],
            name=op.f("fk_walk_report_photo_photo_id_photo"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["walk_report.id"],
            name=op.f("fk_walk_report_photo_report_id_walk_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "photo_id", name=op.f("pk_walk_report_photo")),
    )
    with op.batch_alter_table("walk_report_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_walk_report_photo_photo_id"), ["photo_id"], unique=False
        )
    op.create_table(
        "walk_report_mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["walk_report.id"],
            name=op.f("fk_walk_report_mailing_report_id_walk_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_report_mailing")),
        sa.UniqueConstraint(
            "report_id", "address_key", name=op.f("uq_walk_report_mailing_report_id")
        ),
    )


def downgrade():
    op.drop_table("walk_report_mailing")
    with op.batch_alter_table("walk_report_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_walk_report_photo_photo_id"))
    op.drop_table("walk_report_photo")
    op.drop_table("walk_report")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("locale")
        batch_op.drop_column("email_consent")
        batch_op.drop_column("email")
