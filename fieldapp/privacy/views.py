"""Admin pages for reporter data: the retention setting, and access/erasure requests.

Each page that shows, exports or erases a person's data leaves one audit entry, without the
e-mail address itself (the log must not become a copy of what was erased).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from fieldapp.audit.services import last_entry
from fieldapp.audit.web import log_action
from fieldapp.auth.permissions import admin_required
from fieldapp.extensions import db
from fieldapp.privacy.forms import EraseForm, ReporterActionForm, ReporterSearchForm
from fieldapp.privacy.gdpr import ReporterData, erase, export, find_reporter

bp = Blueprint("privacy", __name__, url_prefix="/admin/privacy")


def _ids(data: ReporterData) -> dict:
    return {
        "observations": [o.id for o in data.observations],
        "participants": [p.id for p in data.participants],
    }


def _index_page(form: ReporterSearchForm, code: int = 200):
    last = last_entry(db.session, "retention.applied")
    return render_template(
        "privacy/index.html",
        form=form,
        months=current_app.config["REPORTER_DATA_RETENTION_MONTHS"],
        last_run=last,
        last_run_total=json.loads(last.detail).get("total", 0) if last else 0,
    ), code


@bp.get("/")
@admin_required
def index():
    return _index_page(ReporterSearchForm())


def _reporter_page(query: str, data: ReporterData, erase_form: EraseForm | None = None, code=200):
    action_form = ReporterActionForm(query=query)
    erase_form = erase_form or EraseForm(query=query)
    return render_template(
        "privacy/reporter.html",
        query=query,
        data=data,
        action_form=action_form,
        erase_form=erase_form,
    ), code


@bp.post("/reporter")
@admin_required
def reporter():
    form = ReporterSearchForm()
    if not form.validate_on_submit():
        return _index_page(form, 400)
    query = form.query.data.strip()
    data = find_reporter(db.session, query)
    page = _reporter_page(query, data)
    log_action("gdpr.viewed", "reporter", None, {"found": data.found, **_ids(data)})
    return page


@bp.post("/reporter/export")
@admin_required
def export_json():
    form = ReporterActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("privacy.index"))
    data = find_reporter(db.session, form.query.data)
    document = export(data)
    log_action("gdpr.exported", "reporter", None, _ids(data))
    resp = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json")
    resp.headers["Content-Disposition"] = 'attachment; filename="fieldapp-reporter-data.json"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.post("/reporter/erase")
@admin_required
def erase_reporter():
    form = EraseForm()
    query = form.query.data or ""
    if not query:
        return redirect(url_for("privacy.index"))
    data = find_reporter(db.session, query)
    if not form.validate_on_submit():
        return _reporter_page(query, data, erase_form=form, code=400)
    ids = _ids(data)
    report = erase(db.session, data, delete_observations=form.delete_observations.data)
    log_action("gdpr.erased", "reporter", None, {**ids, **vars(report)})
    flash(
        _(
            "Erased: %(emails)d e-mail addresses, %(names)d names, %(mails)d mails and "
            "%(observations)d observations.",
            emails=report.emails_removed,
            names=report.names_removed,
            mails=report.mails_deleted,
            observations=report.observations_deleted,
        ),
        "success",
    )
    return redirect(url_for("privacy.index"))
