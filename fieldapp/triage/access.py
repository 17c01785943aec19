"""Who may see and act on which issue; the views' only permission checks for triage."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.triage.models import Issue
from fieldapp.triage.services import issue_with_details
from fieldapp.triage.workflow import Actor


def actor_for(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        coordinates=user.can_coordinate,
        administration_id=user.administration_id if user.role == "staff" else None,
    )


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role == "staff"


def can_view_issue(user: User, issue: Issue) -> bool:
    if user.can_coordinate:
        return True
    return (
        user.role == "staff"
        and user.administration_id is not None
        and issue.administration_id == user.administration_id
    )


def get_issue_or_404(issue_id: int, user: User | None = None) -> Issue:
    """The issue if `user` may see it: coordinators all, staff their administration's.

    :raise 404: unknown, or another administration's issue (staff learn nothing about it).
    :raise 403: a logged-in user without a triage role.
    """
    user = user or current_user
    if not user.is_authenticated:
        from fieldapp.extensions import login_manager

        abort(login_manager.unauthorized())
    if not (user.can_coordinate or user.role == "staff"):
        abort(403)
    issue = issue_with_details(db.session, issue_id)
    if issue is None or not can_view_issue(user, issue):
        abort(404)
    return issue


def triage_user_required(view):
    """Coordinators, admins and administration staff; others get a 403, guests the login."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.can_coordinate or current_user.role == "staff"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
