"""Success criteria: the dashboards (actual vs target per year) and the criteria themselves.

The analyses pages are a nested blueprint (analysis_views.py) under /stats/analyses.
Coordinators only.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from fieldapp.areas.models import Area
from fieldapp.areas.services import list_areas
from fieldapp.auth.permissions import coordinator_required
from fieldapp.extensions import db
from fieldapp.stats import analysis_views
from fieldapp.stats.charts import Reference, Series, bar_chart
from fieldapp.stats.formatting import (
    category_label,
    criterion_template_values,
    is_percent,
    local_tz,
    number,
    period_label,
    target_text,
    today,
)
from fieldapp.stats.forms import ConfirmForm, CriterionForm, ValueForm
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.stats.progress import YearResult, criterion_results, milestone_result
from fieldapp.stats.services import action_item_area, action_item_choices

bp = Blueprint("stats", __name__, url_prefix="/stats")
bp.register_blueprint(analysis_views.bp)

CRITERION_FIELDS = (
    "title",
    "area_id",
    "kind",
    "direction",
    "target",
    "days",
    "baseline",
    "baseline_year",
    "first_year",
    "last_year",
    "data_source",
    "measured_by",
    "category",
    "due_date",
    "action_item_id",
    "achieved_on",
)
# Fields that only one kind uses: cleared for the others, so nothing stale is kept.
KIND_FIELDS = {
    "days": {"share_resolved_within_days"},
    "category": {"yearly_change"},
    "due_date": {"milestone"},
    "action_item_id": {"milestone"},
    "achieved_on": {"milestone"},
}


def _chart(c: SuccessCriterion, results: list[YearResult]):
    """Bars per year with target and baseline lines; a yearly change charts the yearly counts
    of its category (a percentage change has no bar), the table has the changes."""
    percent = c.kind == "share_resolved_within_days"
    years = [r.year for r in results]
    if c.kind == "yearly_change":
        name = _("Observations: %(category)s", category=category_label(c.category))
        label = _(
            "Bar chart: %(title)s. The number of observations (%(category)s) per year from "
            "%(first)d to %(last)d; the target is %(target)s.",
            title=c.title,
            category=category_label(c.category),
            first=years[0],
            last=years[-1],
            target=target_text(c),
        )
        return bar_chart(
            [str(y) for y in years],
            [Series(name, [r.count for r in results])],
            label=label,
            fmt=number,
        )
    refs = [Reference(c.target, _("Target %(value)s", value=number(c.target, percent)))]
    if c.baseline is not None:
        label = (
            _(
                "Baseline %(value)s (%(year)d)",
                value=number(c.baseline, percent),
                year=c.baseline_year,
            )
            if c.baseline_year
            else _("Baseline %(value)s", value=number(c.baseline, percent))
        )
        refs.append(Reference(c.baseline, label, "baseline"))
    label = _(
        "Bar chart: %(title)s. The actual value per year from %(first)d to %(last)d; "
        "the target is %(target)s.",
        title=c.title,
        first=years[0],
        last=years[-1],
        target=target_text(c),
    )
    if c.baseline is not None:
        label += " " + _("The baseline is %(value)s.", value=number(c.baseline, percent))
    return bar_chart(
        [str(y) for y in years],
        [Series(c.title, [r.actual for r in results])],
        label=label,
        fmt=lambda v: number(v, percent),
        references=refs,
        y_max=100 if percent else (5 if c.kind == "safety_average" else None),
    )


def headline(results: list[YearResult], year: int) -> YearResult | None:
    """This year's result; when it has no value yet (an index not published), the latest
    earlier year that has one."""
    current = next((r for r in results if r.year == year), None)
    if current is not None and current.status != "no_data":
        return current
    earlier = [r for r in results if r.year < year and r.status != "no_data"]
    return earlier[-1] if earlier else current


def criterion_card(c: SuccessCriterion, day: date) -> dict:
    """What the dashboard shows for one criterion: value, target, trend, status, the years."""
    card = {
        "criterion": c,
        "percent": is_percent(c),
        "target_text": target_text(c),
        "results": [],
        "chart": None,
        "milestone": None,
        "current": None,
    }
    if c.kind == "milestone":
        card["milestone"] = milestone_result(c, day, local_tz())
        return card
    results = criterion_results(db.session, c, day, local_tz())
    card.update(results=results, chart=_chart(c, results), current=headline(results, day.year))
    return card


def template_values() -> dict:
    return criterion_template_values()


def _criteria(area_id: int | None) -> list[SuccessCriterion]:
    query = select(SuccessCriterion).order_by(SuccessCriterion.title, SuccessCriterion.id)
    if area_id is None:
        query = query.where(SuccessCriterion.area_id.is_(None))
    else:
        query = query.where(SuccessCriterion.area_id == area_id)
    return list(db.session.scalars(query))


def _dashboard(area: Area | None):
    day = today()
    cards = [criterion_card(c, day) for c in _criteria(area.id if area else None)]
    counts = dict(
        db.session.execute(
            select(SuccessCriterion.area_id, func.count()).group_by(SuccessCriterion.area_id)
        ).all()
    )
    return render_template(
        "stats/dashboard.html",
        area=area,
        cards=cards,
        areas=list_areas(db.session),
        criteria_counts=counts,
        year=day.year,
        **template_values(),
    )


@bp.get("/")
@coordinator_required
def dashboard():
    return _dashboard(None)


@bp.get("/area/<int:area_id>")
@coordinator_required
def area_dashboard(area_id: int):
    return _dashboard(db.get_or_404(Area, area_id))


@bp.get("/criteria")
@coordinator_required
def criteria():
    rows = db.session.scalars(
        select(SuccessCriterion).order_by(SuccessCriterion.area_id, SuccessCriterion.title)
    ).all()
    names = {a.id: a.name for a in list_areas(db.session)}
    return render_template(
        "stats/criteria.html",
        rows=sorted(rows, key=lambda c: (c.area_id is not None, names.get(c.area_id, ""))),
        area_names=names,
        confirm_form=ConfirmForm(),
        **template_values(),
    )


def _back(area_id: int | None) -> str:
    return (
        url_for("stats.area_dashboard", area_id=area_id) if area_id else url_for("stats.dashboard")
    )


def _criterion_form(criterion: SuccessCriterion | None):
    form = CriterionForm(obj=criterion)
    areas = list_areas(db.session)
    form.area_id.choices = [SelectChoice("", _("— the whole municipality —"))] + [
        SelectChoice(str(a.id), a.name) for a in areas
    ]
    if criterion is None and request.method == "GET":
        raw = request.args.get("area", "")
        if raw.isdigit() and len(raw) < 12 and db.session.get(Area, int(raw)):
            form.area_id.data = int(raw)
    # Only the chosen area's plan: on a POST the posted area (form.area_id.data is coerced
    # from the form data already); a changed area re-renders with its own items.
    # Only an area of the list: a posted number of any size must not reach the database.
    area_id = form.area_id.data if form.area_id.data in {a.id for a in areas} else None
    form.action_item_id.choices = [SelectChoice("", _("— none: mark it achieved by hand —"))] + [
        SelectChoice(str(item_id), label)
        for item_id, label in action_item_choices(db.session, area_id)
    ]
    form.item_area = lambda item_id: action_item_area(db.session, item_id)
    if form.validate_on_submit():
        if criterion is None:
            criterion = SuccessCriterion()
            db.session.add(criterion)
        for name in CRITERION_FIELDS:
            setattr(criterion, name, form[name].data)
        criterion.data_source = criterion.data_source or ""
        criterion.measured_by = criterion.measured_by or ""
        criterion.category = criterion.category or None
        for name, kinds in KIND_FIELDS.items():
            if criterion.kind not in kinds:
                setattr(criterion, name, None)
        if criterion.kind == "milestone":
            criterion.target, criterion.direction = 1.0, "at_least"
        db.session.commit()
        flash(_("“%(title)s” is saved.", title=criterion.title), "success")
        return redirect(_back(criterion.area_id) + f"#criterion-{criterion.id}")
    return render_template(
        "stats/criterion_form.html", form=form, criterion=criterion, **template_values()
    ), 400 if form.errors else 200


@bp.route("/criteria/new", methods=["GET", "POST"])
@coordinator_required
def new_criterion():
    return _criterion_form(None)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_criterion(criterion_id: int):
    return _criterion_form(db.get_or_404(SuccessCriterion, criterion_id))


@bp.post("/criteria/<int:criterion_id>/delete")
@coordinator_required
def delete_criterion(criterion_id: int):
    criterion = db.get_or_404(SuccessCriterion, criterion_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("stats.criteria"))
    title = criterion.title
    db.session.delete(criterion)
    db.session.commit()
    flash(_("“%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("stats.criteria"))


@bp.route("/criteria/<int:criterion_id>/values", methods=["GET", "POST"])
@coordinator_required
def criterion_values(criterion_id: int):
    """Hand-entered values per year, half-year or quarter; saving a period that has one
    replaces it."""
    criterion = db.get_or_404(SuccessCriterion, criterion_id)
    form = ValueForm()
    if request.method == "GET" and not form.year.data:
        form.year.data = today().year
    if form.validate_on_submit():
        period = form.period.data or ""
        existing = db.session.scalar(
            select(CriterionValue).where(
                CriterionValue.criterion_id == criterion.id,
                CriterionValue.year == form.year.data,
                CriterionValue.period == period,
            )
        )
        value = existing or CriterionValue(
            criterion_id=criterion.id, year=form.year.data, period=period
        )
        value.value = form.value.data
        value.source = form.source.data or ""
        db.session.add(value)
        db.session.commit()
        when = period_label(form.year.data, period)
        if existing:
            flash(_("The value for %(period)s is replaced.", period=when), "success")
        else:
            flash(_("The value for %(period)s is saved.", period=when), "success")
        return redirect(url_for("stats.criterion_values", criterion_id=criterion.id))
    db.session.refresh(criterion)
    return render_template(
        "stats/values.html",
        criterion=criterion,
        form=form,
        confirm_form=ConfirmForm(),
        **template_values(),
    ), 400 if form.errors else 200


@bp.post("/criteria/<int:criterion_id>/values/<int:value_id>/delete")
@coordinator_required
def delete_value(criterion_id: int, value_id: int):
    value = db.get_or_404(CriterionValue, value_id)
    if value.criterion_id != criterion_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        when = period_label(value.year, value.period)
        db.session.delete(value)
        db.session.commit()
        flash(_("The value for %(period)s is deleted.", period=when), "success")
    return redirect(url_for("stats.criterion_values", criterion_id=criterion_id))
