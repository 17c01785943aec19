"""Render a report as HTML or PDF; shared by the coordinator's preview and the public link."""

from __future__ import annotations

from flask import Response, render_template
from sqlalchemy import select

from fieldapp.capture.models import Photo
from fieldapp.extensions import db
from fieldapp.followup.services import PUBLIC_STATUS_LABELS
from fieldapp.media.views import get_storage
from fieldapp.plans.models import ACTION_STATUS_LABELS
from fieldapp.walkreports.content import ReportContent, report_content
from fieldapp.walkreports.models import WalkReport
from fieldapp.walkreports.pdf import render_pdf


def report_html(
    report: WalkReport,
    *,
    pdf: bool = False,
    preview: bool = False,
    pdf_url: str | None = None,
    content: ReportContent | None = None,
) -> str:
    return render_template(
        "walkreports/report.html",
        c=content or report_content(db.session, report),
        pdf=pdf,
        preview=preview,
        pdf_url=pdf_url,
        status_labels=PUBLIC_STATUS_LABELS,
        action_labels=ACTION_STATUS_LABELS,
    )


def report_pdf_response(report: WalkReport, filename: str) -> Response:
    content = report_content(db.session, report)
    # The photos the report shows: the chosen ones and the staff's after photos.
    shown = {p.id for f in content.findings for p in f.photos}
    photos = {p.id: p for p in db.session.scalars(select(Photo).where(Photo.id.in_(shown)))}
    data = render_pdf(report_html(report, pdf=True, content=content), photos, get_storage())
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp
