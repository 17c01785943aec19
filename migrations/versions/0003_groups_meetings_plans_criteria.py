"""local groups, meetings, votes, decisions, action items, success criteria; observation area and meeting

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:36:44.321805

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "local_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_local_group_area_id_area"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_group")),
    )
    with op.batch_alter_table("local_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_local_group_area_id"), ["area_id"], unique=False)

    op.create_table(
        "success_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("baseline", sa.Double(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("last_year", sa.Integer(), nullable=True),
        sa.Column("data_source", sa.Text(), nullable=False),
        sa.Column("measured_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_success_criterion_area_id_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_success_criterion")),
    )
    with op.batch_alter_table("success_criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_success_criterion_area_id"), ["area_id"], unique=False)

    op.create_table(
        "criterion_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["success_criterion.id"],
            name=op.f("fk_criterion_value_criterion_id_success_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_value")),
        sa.UniqueConstraint("criterion_id", "year", name="uq_criterion_value_year"),
    )
    with op.batch_alter_table("criterion_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterion_value_criterion_id"), ["criterion_id"], unique=False
        )

    op.create_table(
        "group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["local_group.id"],
            name=op.f("fk_group_member_group_id_local_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_member")),
    )
    with op.batch_alter_table("group_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_member_group_id"), ["group_id"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("join_token", sa.String(length=64), nullable=False),
        sa.Column("votes_per_participant", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_meeting_area_id_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_meeting_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["local_group.id"],
            name=op.f("fk_meeting_group_id_local_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("join_token", name=op.f("uq_meeting_join_token")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "meeting_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=True),
        sa.Column("name_in_minutes", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_participant_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participant")),
    )
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_participant_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_decision_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_decision_issue_id_issue"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_decision_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_vote_issue_id_issue"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_vote_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["meeting_participant.id"],
            name=op.f("fk_vote_participant_id_meeting_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vote_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("responsible_person", sa.String(length=120), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_initiative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_action_item_administration_id_administration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_action_item_area_id_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_action_item_decision_id_decision"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_action_item_issue_id_issue"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_action_item_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_item_administration_id"), ["administration_id"], unique=False
        )
        batch_op.create_index("ix_action_item_area_status", ["area_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_deadline"), ["deadline"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_item_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_item_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_observation_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_area_id_area"),
            "area",
            ["area_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_meeting_id_meeting"),
            "meeting",
            ["meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_observation_meeting_id_meeting"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_observation_area_id_area"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_observation_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_observation_area_id"))
        batch_op.drop_column("meeting_id")
        batch_op.drop_column("area_id")

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_issue_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_decision_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_deadline"))
        batch_op.drop_index("ix_action_item_area_status")
        batch_op.drop_index(batch_op.f("ix_action_item_administration_id"))

    op.drop_table("action_item")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_participant_id"))
        batch_op.drop_index(batch_op.f("ix_vote_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_vote_issue_id"))

    op.drop_table("vote")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_decision_issue_id"))

    op.drop_table("decision")
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participant_meeting_id"))

    op.drop_table("meeting_participant")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meeting_group_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_area_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_member_group_id"))

    op.drop_table("group_member")
    with op.batch_alter_table("criterion_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_value_criterion_id"))

    op.drop_table("criterion_value")
    with op.batch_alter_table("success_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_success_criterion_area_id"))

    op.drop_table("success_criterion")
    with op.batch_alter_table("local_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_group_area_id"))

    op.drop_table("local_group")
