"""walk requests: asked for by anyone without an account, answered by coordinators

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:48:34.037410

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "walk_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("requester_kind", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("outline", sa.Text(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("season", sa.String(length=10), nullable=False),
        sa.Column("time_of_day", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_consent", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("walk_id", sa.Integer(), nullable=True),
        sa.Column("report_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user.id"],
            name=op.f("fk_walk_request_answered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_walk_request_area_id_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["walk_id"], ["walk.id"], name=op.f("fk_walk_request_walk_id_walk"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_request")),
        sa.UniqueConstraint("token", name=op.f("uq_walk_request_token")),
    )
    with op.batch_alter_table("walk_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_walk_request_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_walk_request_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_walk_request_walk_id"), ["walk_id"], unique=False)


def downgrade():
    with op.batch_alter_table("walk_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_walk_request_walk_id"))
        batch_op.drop_index(batch_op.f("ix_walk_request_status"))
        batch_op.drop_index(batch_op.f("ix_walk_request_area_id"))

    op.drop_table("walk_request")
