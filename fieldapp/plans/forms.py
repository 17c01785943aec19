"""Forms for action items; administration and area choices are filled in by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fieldapp.plans.models import ACTION_STATUSES

INVALID_CHOICE = _l("Choose an option from the list.")


def optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l(label)) for code, label in ACTION_STATUSES]


class ActionItemForm(FlaskForm):
    description = TextAreaField(
        _l("What is to be done"),
        filters=[_strip],
        validators=[DataRequired(_l("Describe what is to be done.")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    area_id = SelectField(
        _l("Area"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    administration_id = SelectField(
        _l("Responsible administration"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    owner_id = SelectField(
        _l("Owner (a named member of the administration)"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    responsible_person = StringField(
        _l("Responsible person or group"),
        filters=[_strip],
        validators=[Length(max=120)],  # no Optional(): it would skip the owner check below
    )
    deadline = DateField(
        _l("Deadline"),
        validators=[Optional()],
        format="%Y-%m-%d",
        invalid_value_message=_l("Enter the date as YYYY-MM-DD, e.g. 2026-12-31."),
    )
    status = SelectField(
        _l("Status"),
        choices=status_choices(),
        default="open",
        invalid_choice_message=INVALID_CHOICE,
    )
    is_initiative = BooleanField(
        _l("Counts as a safety initiative (for the success criteria)"), default=False
    )

    def validate_deadline(self, field):
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Choose a deadline between 2000 and 2100."))

    def validate_responsible_person(self, field):
        if self.administration_id.data is None and not field.data:
            raise ValidationError(
                _l("Choose the responsible administration or name a person or group.")
            )


class ItemStatusForm(FlaskForm):
    status = SelectField(
        _l("Status"), choices=status_choices(), invalid_choice_message=INVALID_CHOICE
    )
