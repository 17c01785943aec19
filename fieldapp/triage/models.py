"""Issues made from observations, and their audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fieldapp.db import Base, GridCellMixin, TimestampMixin, utcnow
from fieldapp.orgs.models import Administration

PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
# The due-date sort key of an issue without a due date: after every real one.
NO_DUE_DATE = datetime(9000, 1, 1, tzinfo=UTC)
# An open issue (triage.workflow.OPEN_STATUSES), as the partial indexes below spell it. A query
# uses them only if it spells its status test exactly so, with literals: SQLite compares the
# expressions, and a bound parameter is not the same expression (attention/sources.py).
OPEN_ISSUE_SQL = "status IN ('forwarded', 'in_progress', 'new', 'triaged')"
# The needs-attention columns: each source's test can be read from the index alone.
_ATTENTION_COLUMNS = ("owner_id", "due_at", "category", "status_changed_at", "status")


class Issue(GridCellMixin, TimestampMixin, Base):
    """One problem to solve, possibly reported by several observations."""

    __tablename__ = "issue"
    __table_args__ = (
        Index("ix_issue_status_created", "status", "created_at"),
        Index("ix_issue_admin_status", "administration_id", "status"),
        Index("ix_issue_lat_lon", "lat", "lon"),
        # Newest first when the status filter is a group of statuses or the list is filtered
        # by observation date (bench/triage.py): rows that fail the filter are skipped in the
        # index, without reading them.
        Index(
            "ix_issue_created",
            "created_at",
            "id",
            "status",
            "first_observed_at",
            "last_observed_at",
        ),
        # Needs attention: open issues by owner, and stale ones by their last status change.
        Index("ix_issue_owner_status", "owner_id", "status"),
        Index("ix_issue_status_changed", "status", "status_changed_at"),
        # The "priority" and "due date" sorts of the triage list, read in index order.
        Index("ix_issue_priority_rank", "priority_rank", "created_at", "id"),
        Index("ix_issue_due_sort", "due_sort", "id"),
        # Triage map: issues of a status in a view, and their clusters (see Observation).
        Index("ix_issue_status_grid", "status", "grid_y", "grid_x"),
        # Needs attention over the open backlog only (a few % of all issues): a capped count is
        # an index-only scan of it, and the first items come in id order, for all
        # organisations (by id) and for one (by organisation, then id).
        Index(
            "ix_issue_open_by_id",
            "id",
            "administration_id",
            *_ATTENTION_COLUMNS,
            sqlite_where=text(OPEN_ISSUE_SQL),
            postgresql_where=text(OPEN_ISSUE_SQL),
        ),
        Index(
            "ix_issue_open_by_org",
            "administration_id",
            "id",
            *_ATTENTION_COLUMNS,
            sqlite_where=text(OPEN_ISSUE_SQL),
            postgresql_where=text(OPEN_ISSUE_SQL),
        ),
        # The list filtered by area (issue_spans.py keeps area_id in step), in date order.
        Index("ix_issue_area_created", "area_id", "created_at", "id"),
        # Dashboards (stats/issue_times.py): the share resolved within N days of the issues
        # created in a year, time to resolution of the issues resolved in a period, issues
        # opened per month in one area; all read from the index alone.
        Index("ix_issue_status_created_resolve", "status", "created_at", "area_id", "resolve_us"),
        Index(
            "ix_issue_status_resolved",
            "status",
            "resolved_at",
            "area_id",
            "administration_id",
            "handling_us",
        ),
        Index("ix_issue_status_area_created", "status", "area_id", "created_at", "resolve_us"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="new")
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administration.id", ondelete="SET NULL")
    )
    walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk.id", ondelete="SET NULL"), index=True
    )
    # Indexed by ix_issue_area_created (area_id first); no index of its own (migration 0021).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    # Stored sort keys (kept in step by the validators below): an index can serve an ORDER BY
    # on a column, not on a CASE over the priority text or a COALESCE of due_at.
    priority_rank: Mapped[int] = mapped_column(default=PRIORITY_RANK["normal"], server_default="1")
    due_sort: Mapped[datetime] = mapped_column(default=NO_DUE_DATE)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its first and last observation was made (None without observations): the list's
    # date filter reads these instead of the observations (triage/issue_spans.py).
    first_observed_at: Mapped[datetime | None]
    last_observed_at: Mapped[datetime | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # From the status events (stats/issue_times.py keeps them in step): when it was last
    # resolved and last forwarded, and microseconds from creation to that resolution and from
    # that forwarding to it. None when there is no such event.
    resolved_at: Mapped[datetime | None]
    forwarded_at: Mapped[datetime | None]
    resolve_us: Mapped[int | None] = mapped_column(BigInteger)
    handling_us: Mapped[int | None] = mapped_column(BigInteger)
    # The named person in the administration who answers for it; None = the unassigned queue.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    administration: Mapped[Administration | None] = relationship()
    owner = relationship("User", foreign_keys=[owner_id])
    events: Mapped[list[IssueEvent]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueEvent.id"
    )
    # "After" photos staff added while working the issue (fieldapp/triage/after_photos.py).
    after_photos = relationship(
        "Photo",
        back_populates="issue",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Photo.position, Photo.id)",
    )

    @validates("priority")
    def _rank_priority(self, _key: str, priority: str) -> str:
        self.priority_rank = PRIORITY_RANK.get(priority, PRIORITY_RANK["normal"])
        return priority

    @validates("due_at")
    def _due_sort_key(self, _key: str, due_at: datetime | None) -> datetime | None:
        self.due_sort = due_at if due_at is not None else NO_DUE_DATE
        return due_at


class IssueEvent(Base):
    """Who changed what and when; public_comment is shown to reporters, internal_note never."""

    __tablename__ = "issue_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    __table_args__ = (
        # Closings per month on the analyses page: status events in a period, by target status.
        Index("ix_issue_event_kind_status_at", "kind", "to_status", "at", "issue_id"),
        # One issue's last event to a status (stats/issue_times.last_event) in one seek.
        Index("ix_issue_event_issue_status_at", "issue_id", "kind", "to_status", "at"),
    )

    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # created, status, routed, merged, edited, comment, owner, photos (after photos added)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administration.id", ondelete="SET NULL")
    )
    public_comment: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")

    issue: Mapped[Issue] = relationship(back_populates="events")
    user = relationship("User")
    administration: Mapped[Administration | None] = relationship()


class MapCell(Base):
    """Items per coarse map cell for the zoomed-out triage map (triage/map_summary.py keeps it
    in step): kind "o" loose observations (status ""), "i" issues by status."""

    __tablename__ = "map_cell"

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    cy: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
    # Sums of the items' grid rows and columns: the clusters' centroids.
    sum_y: Mapped[int] = mapped_column(BigInteger, default=0)
    sum_x: Mapped[int] = mapped_column(BigInteger, default=0)
