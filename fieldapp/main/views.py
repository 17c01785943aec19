"""Pages that belong to no single task."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from fieldapp.extensions import db
from fieldapp.main.forms import LanguageForm

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        if current_user.role == "staff":
            return redirect(url_for("triage.queue"))
        return redirect(url_for("walks.index"))
    return render_template("main/index.html")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the switch cannot be used as an open redirect."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.index")
    return target


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        session.permanent = True
    return redirect(
        _safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path)
    )


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
