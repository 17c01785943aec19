"""The needs-attention page per organisation: coordinators choose any (or all), staff see
their own. One section per source, each keyset-paged on its own (?source=…&after=…)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.attention import settings
from fieldapp.attention.services import COUNT_CAP, Section, count, overview, page
from fieldapp.attention.sources import GROUP_LABELS, SOURCES_BY_CODE
from fieldapp.db import utcnow
from fieldapp.errors import abort_with
from fieldapp.extensions import db
from fieldapp.orgs.models import Administration
from fieldapp.orgs.services import administration_options
from fieldapp.triage.access import is_staff, triage_user_required

bp = Blueprint("attention", __name__, url_prefix="/attention")
PAGE_SIZE = 25


@bp.record_once
def _configure(state) -> None:
    settings.configure(state.app.config.get("ATTENTION_STALE_DAYS"))
    settings.configure_deadlines(
        state.app.config.get("ATTENTION_REQUEST_ANSWER_DAYS"),
        state.app.config.get("ATTENTION_REPORT_DUE_DAYS"),
    )


def _positive_int(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12 or int(raw) <= 0:
        abort_with(400, _("The link is not valid. Go back to the list and try again."))
    return int(raw)


def _organisation() -> Administration | None:
    """The organisation asked for; staff always get their own.

    :raise 404: unknown organisation, or (staff) another organisation's.
    :raise 403: a staff account without an organisation.
    """
    org_id = _positive_int("org")
    if is_staff(current_user):
        if current_user.administration_id is None:
            abort_with(403, _("Your account is not linked to an administration. Ask an admin."))
        if org_id not in (None, current_user.administration_id):
            abort(404)
        org_id = current_user.administration_id
    if org_id is None:
        return None
    org = db.session.get(Administration, org_id)
    if org is None:
        abort(404)
    return org


@bp.get("/")
@triage_user_required
def index():
    org = _organisation()
    org_id = org.id if org else None
    now = utcnow()
    code = request.args.get("source")
    after = _positive_int("after")
    if code:
        fn = SOURCES_BY_CODE.get(code)
        if fn is None:
            abort(404)
        items, next_after = page(db.session, fn, org_id, now, after=after, limit=PAGE_SIZE)
        n = count(db.session, fn, org_id, now, cap=COUNT_CAP)
        sections = [Section(fn, n, items, next_after)]
    else:
        sections = overview(db.session, org_id, now, cap=COUNT_CAP)
    return render_template(
        "attention/index.html",
        org=org,
        organisations=[] if is_staff(current_user) else administration_options(db.session),
        sections=sections,
        single=bool(code),
        after=after,
        group_labels=GROUP_LABELS,
        stale_days=settings.STALE_DAYS,
        count_cap=COUNT_CAP,
    )
