"""administrations, areas, routing rules, issues with audit trail, mail outbox, Open311 clients; observation tracking codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:04:32.878993

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "administration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administration")),
        sa.UniqueConstraint("name", name=op.f("uq_administration_name")),
    )
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
    )
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("south", sa.Double(), nullable=False),
        sa.Column("west", sa.Double(), nullable=False),
        sa.Column("north", sa.Double(), nullable=False),
        sa.Column("east", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("name", name=op.f("uq_area_name")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_addr", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_ref"), ["ref"], unique=False)
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_routing_rule_administration_id_administration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_routing_rule_area_id_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rule")),
        sa.UniqueConstraint("category", "area_id", name="uq_routing_rule_category_area"),
    )
    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_rule_category"), ["category"], unique=False)

    op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("walk_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_issue_administration_id_administration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_issue_area_id_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_issue_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["issue.id"], name=op.f("fk_issue_duplicate_of_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["walk_id"], ["walk.id"], name=op.f("fk_issue_walk_id_walk"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue")),
    )
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_issue_admin_status", ["administration_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_issue_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_due_at"), ["due_at"], unique=False)
        batch_op.create_index("ix_issue_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index("ix_issue_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_walk_id"), ["walk_id"], unique=False)

    op.create_table(
        "issue_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("public_comment", sa.Text(), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_issue_event_administration_id_administration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_event_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_issue_event_user_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_event")),
    )
    with op.batch_alter_table("issue_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_event_issue_id"), ["issue_id"], unique=False)

    # Existing observations get defaults, and each a tracking code, before the columns tighten.
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("tracking_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("reporter_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("email_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), nullable=False, server_default="walk")
        )
        batch_op.add_column(sa.Column("issue_id", sa.Integer(), nullable=True))
        batch_op.alter_column("walk_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_observation_issue_id"), ["issue_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_issue_id_issue"),
            "issue",
            ["issue_id"],
            ["id"],
            ondelete="SET NULL",
        )

    conn = op.get_bind()
    observation = sa.table(
        "observation", sa.column("id", sa.Integer), sa.column("tracking_code", sa.String)
    )
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    for (obs_id,) in conn.execute(sa.select(observation.c.id)).fetchall():
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        conn.execute(
            observation.update().where(observation.c.id == obs_id).values(tracking_code=code)
        )

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.alter_column("tracking_code", existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column("address", existing_type=sa.String(length=300), server_default=None)
        batch_op.alter_column("email_consent", existing_type=sa.Boolean(), server_default=None)
        batch_op.alter_column("source", existing_type=sa.String(length=10), server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f("uq_observation_tracking_code"), ["tracking_code"]
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("administration_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_user_administration_id"), ["administration_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_user_administration_id_administration"),
            "administration",
            ["administration_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("walk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_walk_area_id_area"), "area", ["area_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("walk", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_walk_area_id_area"), type_="foreignkey")
        batch_op.drop_column("area_id")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_administration_id_administration"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_user_administration_id"))
        batch_op.drop_column("administration_id")

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_observation_issue_id_issue"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_observation_tracking_code"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_observation_issue_id"))
        batch_op.alter_column("walk_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("issue_id")
        batch_op.drop_column("source")
        batch_op.drop_column("email_consent")
        batch_op.drop_column("reporter_email")
        batch_op.drop_column("tracking_code")
        batch_op.drop_column("address")

    with op.batch_alter_table("issue_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_event_issue_id"))

    op.drop_table("issue_event")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_walk_id"))
        batch_op.drop_index("ix_issue_status_created")
        batch_op.drop_index("ix_issue_lat_lon")
        batch_op.drop_index(batch_op.f("ix_issue_due_at"))
        batch_op.drop_index(batch_op.f("ix_issue_category"))
        batch_op.drop_index(batch_op.f("ix_issue_area_id"))
        batch_op.drop_index("ix_issue_admin_status")

    op.drop_table("issue")
    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_rule_category"))

    op.drop_table("routing_rule")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")
        batch_op.drop_index(batch_op.f("ix_outbox_message_ref"))

    op.drop_table("outbox_message")
    op.drop_table("area")
    op.drop_table("api_client")
    op.drop_table("administration")
