"""ownership: owner (and the walk's organisation) on walks, issues and action items; digest log

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("walk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("administration_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_walk_administration_id_administration"),
            "administration",
            ["administration_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_walk_owner_id_user"), "user", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_walk_administration_id"), ["administration_id"])
        batch_op.create_index(batch_op.f("ix_walk_owner_id"), ["owner_id"])

    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_issue_owner_id_user"), "user", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_issue_owner_status", ["owner_id", "status"])
        batch_op.create_index("ix_issue_status_changed", ["status", "status_changed_at"])

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_action_item_owner_id_user"),
            "user",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_action_item_owner_status", ["owner_id", "status"])
        batch_op.create_index("ix_action_item_admin_status", ["administration_id", "status"])
        batch_op.create_index("ix_action_item_status_updated", ["status", "updated_at"])

    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_digest_sent_outbox_message_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sent")),
        sa.UniqueConstraint("recipient", "week", name="uq_digest_sent_recipient_week"),
    )


def downgrade():
    op.drop_table("digest_sent")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_status_updated")
        batch_op.drop_index("ix_action_item_admin_status")
        batch_op.drop_index("ix_action_item_owner_status")
        batch_op.drop_constraint(batch_op.f("fk_action_item_owner_id_user"), type_="foreignkey")
        batch_op.drop_column("owner_id")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_status_changed")
        batch_op.drop_index("ix_issue_owner_status")
        batch_op.drop_constraint(batch_op.f("fk_issue_owner_id_user"), type_="foreignkey")
        batch_op.drop_column("owner_id")
    with op.batch_alter_table("walk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_walk_owner_id"))
        batch_op.drop_index(batch_op.f("ix_walk_administration_id"))
        batch_op.drop_constraint(batch_op.f("fk_walk_owner_id_user"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_walk_administration_id_administration"), type_="foreignkey"
        )
        batch_op.drop_column("owner_id")
        batch_op.drop_column("administration_id")
