"""Sort orders and the opaque cursors of the triage lists' keyset paging.

A cursor carries the list, the sort and the last row's sort key; decoding checks all three and
the types of the key, so an edited or foreign cursor is a clean 400, never a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_

from fieldapp.capture.models import Observation
from fieldapp.triage.models import NO_DUE_DATE, PRIORITY_RANK, Issue

__all__ = ["NO_DUE_DATE", "PRIORITY_RANK", "BadCursor", "SortSpec", "sort_spec"]


class BadCursor(ValueError):
    """A paging cursor that was edited, is for another sort, or is simply garbage."""


@dataclass(frozen=True)
class SortSpec:
    exprs: tuple
    descending: bool
    key_of: Callable[[object], tuple]


def sort_spec(kind: str, sort: str) -> SortSpec:
    model = Observation if kind == "observations" else Issue
    descending = sort != "oldest"
    if kind == "observations" and sort == "priority":
        return SortSpec(
            (func.coalesce(Observation.severity, 0), Observation.created_at, Observation.id),
            True,
            lambda o: (o.severity or 0, o.created_at, o.id),
        )
    if kind == "issues" and sort == "priority":
        # Stored rank (ix_issue_priority_rank): the index order is the list order.
        return SortSpec(
            (Issue.priority_rank, Issue.created_at, Issue.id),
            True,
            lambda i: (i.priority_rank, i.created_at, i.id),
        )
    if kind == "issues" and sort == "due":
        # due_sort is due_at, or NO_DUE_DATE without one (ix_issue_due_sort).
        return SortSpec((Issue.due_sort, Issue.id), False, lambda i: (i.due_sort, i.id))
    if sort == "due":  # observations have no due date: newest first
        descending = True
    return SortSpec((model.created_at, model.id), descending, lambda r: (r.created_at, r.id))


def rows_after(spec: SortSpec, values: tuple):
    """Rows strictly after `values` in the sort order, written as an OR of prefixes.

    Expanded rather than a row-value comparison so every bound value gets its column's type
    (UTC datetimes are stored differently on SQLite and PostgreSQL).
    """
    terms = []
    for i, expr in enumerate(spec.exprs):
        equal = [e == v for e, v in zip(spec.exprs[:i], values[:i], strict=True)]
        step = expr < values[i] if spec.descending else expr > values[i]
        terms.append(and_(*equal, step))
    return or_(*terms)


def encode_cursor(kind: str, sort: str, values: tuple) -> str:
    raw = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    data = json.dumps({"k": kind, "s": sort, "v": raw}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, sort: str, spec: SortSpec) -> tuple:
    """:raise BadCursor: not ours, or for another list or sort."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["k"] != kind or data["s"] != sort or len(data["v"]) != len(spec.exprs):
            raise BadCursor(cursor)
        values = []
        for expected, value in zip(spec.key_of(_SAMPLE), data["v"], strict=True):
            if isinstance(expected, datetime):
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise BadCursor(cursor)
                values.append(parsed.astimezone(UTC))
            elif isinstance(value, int) and not isinstance(value, bool):
                values.append(value)
            else:
                raise BadCursor(cursor)
        return tuple(values)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


class _Sample:
    """Stands in for a row so decode_cursor learns which key positions hold datetimes."""

    id = 0
    severity = 0
    priority = "normal"
    priority_rank = 1
    created_at = NO_DUE_DATE
    due_at = NO_DUE_DATE
    due_sort = NO_DUE_DATE


_SAMPLE = _Sample()
