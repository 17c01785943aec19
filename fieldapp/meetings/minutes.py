"""Minutes (referat) of a meeting: who came, what was prioritised, decided and promised.

Plain data and CSV text, no Flask: the HTML page, its PDF and the CSV all read `build_minutes`,
so the three never disagree. Names appear only for participants who consented.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fieldapp.capture.models import Observation
from fieldapp.meetings.findings import vote_totals
from fieldapp.meetings.models import Decision, Meeting, MeetingParticipant
from fieldapp.meetings.services import meeting_observations
from fieldapp.plans.models import ACTION_STATUS_LABELS, ActionItem
from fieldapp.taxonomy import CATEGORY_BY_CODE, N_, PARTICIPANT_ROLES
from fieldapp.triage.models import Issue

# Cells starting with these are formulas to a spreadsheet; tab and CR start DDE tricks too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CLOSED_ACTION_STATUSES = frozenset({"done", "cancelled"})


@dataclass
class DecisionEntry:
    decision: Decision
    actions: list[ActionItem] = field(default_factory=list)


@dataclass
class FindingEntry:
    issue: Issue
    votes: int
    decisions: list[DecisionEntry] = field(default_factory=list)


@dataclass
class Minutes:
    meeting: Meeting
    attendees: int
    by_role: list[tuple[str, int]]
    names: list[str]
    votes_cast: int
    findings: list[FindingEntry]
    general: list[DecisionEntry]
    actions: list[ActionItem]
    observations: list[Observation]


def is_overdue(item: ActionItem, today: date) -> bool:
    return (
        item.deadline is not None
        and item.deadline < today
        and item.status not in CLOSED_ACTION_STATUSES
    )


def build_minutes(session: Session, meeting: Meeting) -> Minutes:
    """Findings that got votes or a decision at this meeting, most votes first."""
    participants = session.scalars(
        select(MeetingParticipant)
        .where(MeetingParticipant.meeting_id == meeting.id)
        .order_by(MeetingParticipant.joined_at, MeetingParticipant.id)
    ).all()
    counts = Counter(p.role for p in participants)
    by_role = [(code, counts[code]) for code, _label in PARTICIPANT_ROLES if counts[code]]
    names = [p.display_name for p in participants if p.name_in_minutes and p.display_name]

    totals = vote_totals(session, meeting.id)
    actions = session.scalars(
        select(ActionItem)
        .where(ActionItem.meeting_id == meeting.id)
        .options(selectinload(ActionItem.administration))
        .order_by(ActionItem.id)
    ).all()
    entries = {d.id: DecisionEntry(d) for d in meeting.decisions}
    for item in actions:
        if item.decision_id in entries:
            entries[item.decision_id].actions.append(item)

    issue_ids = set(totals) | {d.issue_id for d in meeting.decisions if d.issue_id}
    issues = session.scalars(select(Issue).where(Issue.id.in_(issue_ids))).all()
    findings = {i.id: FindingEntry(i, totals.get(i.id, 0)) for i in issues}
    general = []
    for decision in meeting.decisions:
        target = findings.get(decision.issue_id)
        (target.decisions if target else general).append(entries[decision.id])
    ordered = sorted(findings.values(), key=lambda f: (-f.votes, f.issue.id))
    return Minutes(
        meeting=meeting,
        attendees=len(participants),
        by_role=by_role,
        names=names,
        votes_cast=sum(totals.values()),
        findings=ordered,
        general=general,
        actions=list(actions),
        observations=meeting_observations(session, meeting.id),
    )


def csv_safe(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells (CSV injection); numbers pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def responsible_text(item: ActionItem) -> str:
    parts = [item.administration.name] if item.administration else []
    if item.responsible_person:
        parts.append(item.responsible_person)
    return " / ".join(parts)


CSV_HEADER = (
    N_("Record"),
    N_("Finding no."),
    N_("Finding"),
    N_("Category"),
    N_("Votes"),
    N_("Decision"),
    N_("Action item"),
    N_("Responsible"),
    N_("Deadline"),
    N_("Status"),
    N_("Initiative"),
)


def minutes_csv(minutes: Minutes, translate: Callable[[str], str] = lambda s: s) -> str:
    """One row per finding, per decision and per action item; the first column says which."""
    t = translate
    rows: list[list[object]] = [[t(h) for h in CSV_HEADER]]

    def category(issue: Issue) -> str:
        cat = CATEGORY_BY_CODE.get(issue.category)
        return t(cat.label) if cat else issue.category

    def decision_rows(entry: DecisionEntry, issue: Issue | None, votes: object) -> None:
        finding = [issue.id, issue.title, category(issue)] if issue else ["", "", ""]
        text = entry.decision.text
        rows.append([t(N_("Decision")), *finding, votes, text, "", "", "", "", ""])
        for item in entry.actions:
            rows.append(
                [
                    t(N_("Action item")),
                    *finding,
                    votes,
                    text,
                    item.description,
                    responsible_text(item),
                    item.deadline.isoformat() if item.deadline else "",
                    t(ACTION_STATUS_LABELS.get(item.status, item.status)),
                    t(N_("Yes")) if item.is_initiative else t(N_("No")),
                ]
            )

    for f in minutes.findings:
        rows.append(
            [
                t(N_("Finding")),
                f.issue.id,
                f.issue.title,
                category(f.issue),
                f.votes,
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    for f in minutes.findings:
        for entry in f.decisions:
            decision_rows(entry, f.issue, f.votes)
    for entry in minutes.general:
        decision_rows(entry, None, "")

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    # A byte-order mark so spreadsheet programs read æ, ø and å as UTF-8.
    return "\ufeff" + buf.getvalue()
