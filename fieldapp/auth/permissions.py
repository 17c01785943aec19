"""Who may do what; views call these instead of checking roles inline."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def coordinator_required(view):
    """Logged in as an admin or coordinator; staff of an administration get a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.can_coordinate:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """Logged in as an admin; coordinators and staff get a 403, anonymous users the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
