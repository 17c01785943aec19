"""issue.first_observed_at / last_observed_at, and the issue list's area and date indexes

Revision ID: 0019
Revises: 0018

The triage list filters issues by the dates of their observations and by area. It used to test
each issue's observations (EXISTS over observation) and each issue's position against the area
polygon; these stored columns and the indexes let the database answer from the issue alone
(fieldapp/triage/issue_spans.py keeps them in step). Filled here with one set-based UPDATE
from ix_observation_issue_created (index-only MIN/MAX per issue); no app code imported.
Plain add_column on SQLite: a batch recreate would drop the FTS5 triggers of 0013.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

CREATED_SPAN = ("created_at", "id", "status", "first_observed_at", "last_observed_at")


def upgrade():
    kind = sa.DateTime(timezone=True)
    op.add_column("issue", sa.Column("first_observed_at", kind, nullable=True))
    op.add_column("issue", sa.Column("last_observed_at", kind, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # One pass over the observation index, joined to the issues (a correlated subquery per
        # issue costs the same in theory, but PostgreSQL rewrites each issue row twice then).
        op.execute(
            "UPDATE issue SET first_observed_at = s.first, last_observed_at = s.last "
            "FROM (SELECT issue_id, MIN(created_at) AS first, MAX(created_at) AS last "
            "FROM observation WHERE issue_id IS NOT NULL GROUP BY issue_id) AS s "
            "WHERE s.issue_id = issue.id"
        )
    else:
        op.execute(
            "UPDATE issue SET "
            "first_observed_at = (SELECT MIN(o.created_at) FROM observation o "
            "WHERE o.issue_id = issue.id), "
            "last_observed_at = (SELECT MAX(o.created_at) FROM observation o "
            "WHERE o.issue_id = issue.id) "
            "WHERE id IN (SELECT issue_id FROM observation WHERE issue_id IS NOT NULL)"
        )
    # The list filtered by area, newest or oldest first, read in index order.
    op.create_index("ix_issue_area_created", "issue", ["area_id", "created_at", "id"])
    # Newest/oldest first with a status group or a date range: the filter's columns in the
    # index, so rows that fail it are skipped without reading them (SQLite tests them in the
    # index, PostgreSQL as index conditions), e.g. a year in the past at 200k issues.
    op.drop_index("ix_issue_created", table_name="issue")
    op.create_index("ix_issue_created", "issue", [*CREATED_SPAN])


def downgrade():
    op.drop_index("ix_issue_created", table_name="issue")
    op.create_index("ix_issue_created", "issue", ["created_at", "id"])
    op.drop_index("ix_issue_area_created", table_name="issue")
    op.drop_column("issue", "last_observed_at")
    op.drop_column("issue", "first_observed_at")
