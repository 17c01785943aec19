"""The period picker for the reports (a GET form: it changes nothing, so no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from fieldapp.exports.periods import FIRST_REPORT_YEAR
from fieldapp.stats.forms import INVALID_CHOICE, YearField, optional_int

WHOLE_MUNICIPALITY = "all"  # the picker's value for every area together


def area_or_all(value):
    """An area id, or WHOLE_MUNICIPALITY kept as it is."""
    return value if value == WHOLE_MUNICIPALITY else optional_int(value)


PERIOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("Q1", _l("1st quarter: counts")),
    ("Q2", _l("2nd quarter: counts")),
    ("Q3", _l("3rd quarter: counts")),
    ("Q4", _l("4th quarter: counts")),
    ("H1", _l("1st half-year: status")),
    ("H2", _l("2nd half-year: status")),
    ("year", _l("The whole year: yearly report")),
)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    area_id = SelectField(
        _l("Area"),
        coerce=area_or_all,
        validate_choice=True,
        validators=[InputRequired(_l("Choose an area."))],
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    year = YearField(_l("Year"), validators=[InputRequired(_l("Enter the year."))])
    period = SelectField(
        _l("Period"),
        choices=[SelectChoice(code, label) for code, label in PERIOD_CHOICES],
        invalid_choice_message=INVALID_CHOICE,
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_area_id(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Choose an area."))

    def validate_year(self, field):
        if field.data is not None and not FIRST_REPORT_YEAR <= field.data <= self.today.year:
            raise ValidationError(
                _l(
                    "Choose a year from %(first)d to %(last)d.",
                    first=FIRST_REPORT_YEAR,
                    last=self.today.year,
                )
            )
