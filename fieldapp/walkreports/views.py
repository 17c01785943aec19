"""Coordinator pages: write the introduction, choose photos, preview and publish."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fieldapp.auth.permissions import coordinator_required
from fieldapp.extensions import db
from fieldapp.walkreports.content import candidate_photos
from fieldapp.walkreports.forms import ReportForm
from fieldapp.walkreports.mail import mail_report_and_requesters, report_links
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkreports.rendering import report_html, report_pdf_response
from fieldapp.walkreports.services import (
    ReportError,
    get_report,
    publish_report,
    recipients,
    save_draft,
)
from fieldapp.walks.models import Walk

bp = Blueprint("walkreports", __name__, url_prefix="/walks")


def _walk_or_404(walk_id: int) -> Walk:
    return db.get_or_404(Walk, walk_id)


def _report_or_blank(walk: Walk) -> WalkReport:
    """The walk's report, or an unsaved empty one: a preview changes nothing."""
    return get_report(db.session, walk) or WalkReport(walk=walk, introduction="")


def _error_message(code: str) -> str:
    return {
        "planned": _("The walk has not taken place yet. Change its status before publishing."),
        "photo": _("Choose photos from this walk only."),
    }.get(code, _("The report could not be saved."))


@bp.route("/<int:walk_id>/report", methods=["GET", "POST"])
@coordinator_required
def edit(walk_id: int):
    walk = _walk_or_404(walk_id)
    report = get_report(db.session, walk)
    photos = candidate_photos(db.session, walk)
    form = ReportForm()
    form.photos.choices = [(p.id, str(p.id)) for p in photos]
    if request.method == "GET":
        form.introduction.data = report.introduction if report else ""
        form.photos.data = sorted(report.photo_ids) if report else []
    status, error = 200, None
    if form.validate_on_submit():
        publishing = request.form.get("action") == "publish"
        try:
            if publishing:
                result = publish_report(
                    db.session,
                    walk,
                    introduction=form.introduction.data or "",
                    photo_ids=form.photos.data,
                    notify=mail_report_and_requesters,
                )
            else:
                save_draft(db.session, walk, form.introduction.data or "", form.photos.data)
        except ReportError as exc:
            db.session.rollback()
            error = _error_message(exc.code)
            status = 409 if exc.code == "planned" else 400
        else:
            db.session.commit()
            if not publishing:
                flash(_("The draft is saved."), "success")
                return redirect(url_for(".edit", walk_id=walk.id))
            message = _("The report is published.") if result.first else _("The report is updated.")
            message += " " + _(
                "E-mailed to %(sent)d people; %(later)d get it later (at most one e-mail a week).",
                sent=len(result.mailed),
                later=len(result.deferred),
            )
            flash(message, "success")
            return redirect(url_for(".edit", walk_id=walk.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "walkreports/edit.html",
        walk=walk,
        report=report,
        form=form,
        error=error,
        photos=photos,
        recipient_count=len(recipients(db.session, walk)),
        public_link=report_links(report)[0] if report and report.is_published else None,
    ), status


@bp.get("/<int:walk_id>/report/preview")
@coordinator_required
def preview(walk_id: int):
    report = _report_or_blank(_walk_or_404(walk_id))
    return report_html(report, preview=True, pdf_url=url_for(".preview_pdf", walk_id=walk_id))


@bp.get("/<int:walk_id>/report/preview.pdf")
@coordinator_required
def preview_pdf(walk_id: int):
    report = _report_or_blank(_walk_or_404(walk_id))
    return report_pdf_response(report, f"walk-report-{walk_id}-preview.pdf")
