"""The routing rules table as one form: a select per category × (default, each area)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField

from fieldapp.orgs.forms import INVALID_CHOICE, administration_choices, optional_int
from fieldapp.orgs.models import Administration
from fieldapp.routing.services import Assignments, RulesTable

DEFAULT_COLUMN = "default"


def cell_name(category: str, area_id: int | None) -> str:
    """Field name of one cell; the area comes first because category codes contain "_"."""
    return f"rule_{DEFAULT_COLUMN if area_id is None else area_id}_{category}"


class RulesForm(FlaskForm):
    """Fields are added per request by rules_form(); `cell` finds one for the template."""

    def cell(self, category: str, area_id: int | None):
        return self[cell_name(category, area_id)]

    def assignments(self) -> Assignments:
        result: dict[tuple[str, int | None], int | None] = {}
        for field in self:
            if not field.name.startswith("rule_"):
                continue
            _prefix, column, category = field.name.split("_", 2)
            area_id = None if column == DEFAULT_COLUMN else int(column)
            result[(category, area_id)] = field.data
        return result


def rules_form(table: RulesTable, administrations: list[Administration]) -> RulesForm:
    """A RulesForm with one select per cell, preset to the stored rule (empty = no rule).

    Inactive administrations are offered only where a rule still points at them, labelled so.
    """
    in_use = {aid for row in table.rows for aid in row.cells.values()}
    offered = [a for a in administrations if a.active or a.id in in_use]
    choices = administration_choices(offered, empty_label=_("— no rule —"), short=True)

    class Form(RulesForm):
        pass

    for row in table.rows:
        for area in table.columns:
            area_id = area.id if area is not None else None
            label = _(
                "%(category)s in %(area)s",
                category=_(row.category.label),
                area=area.name if area is not None else _("all areas (default)"),
            )
            setattr(
                Form,
                cell_name(row.category.code, area_id),
                SelectField(
                    label,
                    choices=choices,
                    coerce=optional_int,
                    default=row.cells.get(area_id),
                    invalid_choice_message=INVALID_CHOICE,
                    invalid_value_message=INVALID_CHOICE,
                ),
            )
    return Form()
