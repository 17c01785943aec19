"""What the triage view modules share: messages, filter options, template values."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fieldapp.areas.services import list_areas
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.taxonomy import SEVERITY_LABELS
from fieldapp.triage import filters as triage_filters
from fieldapp.triage.workflow import PRIORITY_LABELS, STATUS_LABELS, STATUSES, is_overdue
from fieldapp.walks.models import Walk

# The walk filter offers the latest walks; an older one is reached from its walk page (a
# "triage these observations" link), which keeps it selected here. 300 options with formatted
# times were a third of the page's cost at 1M rows (bench/triage.py).
MAX_WALK_OPTIONS = 40


def timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def duplicate_radius() -> float:
    return float(current_app.config.get("TRIAGE_DUPLICATE_RADIUS_M", 25))


def notifier():
    """The status-change notifier (another module writes the outbox messages).

    Imported when used, so triage does not depend on notification code at import time.
    """
    from fieldapp.triage.notifications import notify_status_change

    return notify_status_change


def error_message(code: str) -> str:
    """A translated sentence for a WorkflowError, TriageError or MergeError code."""
    messages = {
        "unknown_status": _("Choose a status from the list."),
        "not_allowed": _(
            "That change is not possible from the issue's current status, or not for your role."
        ),
        "reason_required": _("Give a reason: a public comment or an internal note."),
        "administration_required": _("Choose the administration to forward the issue to."),
        "nothing_selected": _("Select at least one observation or issue."),
        "too_many": _("Select at most 100 observations at a time."),
        "observation_missing": _("One of the observations no longer exists. Reload the list."),
        "observation_in_issue": _(
            "One of the observations already belongs to an issue. Reload the list."
        ),
        "issue_missing": _("One of the issues no longer exists. Reload the page."),
        "same_issue": _("An issue cannot be merged into itself."),
        "target_duplicate": _(
            "This issue is marked as a duplicate; merge into the issue it duplicates instead."
        ),
        "title_required": _("Give the issue a title."),
        "unknown_category": _("Choose a category from the list."),
        "unknown_priority": _("Choose a priority from the list."),
    }
    return messages.get(code, _("That change is not possible."))


def filter_options(selected_walk_id: int | None = None) -> dict:
    """Choices for the filter selects: recent walks (and the selected one, however old), every
    area, every administration."""
    columns = (Walk.id, Walk.title, Walk.starts_at)
    walks = db.session.execute(
        select(*columns).order_by(Walk.starts_at.desc(), Walk.id.desc()).limit(MAX_WALK_OPTIONS)
    ).all()
    if selected_walk_id and selected_walk_id not in {w.id for w in walks}:
        walks += db.session.execute(select(*columns).where(Walk.id == selected_walk_id)).all()
    return {
        "walks": walks,
        "areas": list_areas(db.session),
        "administrations": administrations(),
    }


def administrations(active_only: bool = False) -> list[Administration]:
    query = select(Administration).order_by(Administration.name)
    if active_only:
        query = query.where(Administration.active.is_(True))
    return list(db.session.scalars(query))


def administration_choices(include_none: str) -> list[SelectChoice]:
    return [SelectChoice("", include_none)] + [
        SelectChoice(str(a.id), a.name) for a in administrations(active_only=True)
    ]


def template_values() -> dict:
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "STATUSES": STATUSES,
        "PRIORITY_LABELS": PRIORITY_LABELS,
        "STATUS_GROUPS": triage_filters.STATUS_GROUPS,
        "SORTS": triage_filters.SORTS,
        "TIMES_OF_DAY": triage_filters.TIMES_OF_DAY,
        "is_overdue": is_overdue,
        "status_labels": lambda: {code: _(label) for code, label in STATUSES},
        # Translated once per table rather than per row (gettext is a context lookup each time).
        "priority_labels": lambda: {code: _(label) for code, label in PRIORITY_LABELS.items()},
        "severity_labels": lambda: {code: _(label) for code, label in SEVERITY_LABELS.items()},
    }


def translated_errors(errors: dict[str, str]) -> dict[str, str]:
    return {name: _(message) for name, message in errors.items()}
