"""Logging staff in and out."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from fieldapp.auth.forms import LoginForm
from fieldapp.auth.lockout import locked_for, record_failure, record_success
from fieldapp.auth.services import authenticate
from fieldapp.db import utcnow
from fieldapp.extensions import db, limiter
from fieldapp.main.views import _safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = form.email.data
        now = utcnow()
        wait = locked_for(db.session, email, now)
        if wait is not None:
            form.password.errors.append(_locked_message(wait))
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, email, form.password.data)
        if user is None:
            lock = record_failure(db.session, email, now)
            db.session.commit()
            message = _locked_message(lock) if lock else _("Wrong e-mail or password.")
            form.password.errors.append(message)
            return render_template("auth/login.html", form=form), 429 if lock else 401
        record_success(db.session, email)
        db.session.commit()
        login_user(user, remember=form.remember.data)
        return redirect(_safe_next(form.next.data or url_for("main.index")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _locked_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many failed log-ins with this e-mail address. Try again in %(num)d minute.",
        "Too many failed log-ins with this e-mail address. Try again in %(num)d minutes.",
        minutes,
    )


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))
