"""Forms for success criteria and their hand-entered values per period."""

from __future__ import annotations

import math
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from fieldapp.forms_common import OptionalFloat
from fieldapp.stats.criteria import COUNT_KINDS, DIRECTIONS, KINDS, PERIODS
from fieldapp.stats.formatting import today
from fieldapp.taxonomy import CATEGORIES

INVALID_CHOICE = _l("Choose an option from the list.")
YEAR_RANGE = NumberRange(1990, 2100, _l("Enter a year between 1990 and 2100."))


def optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """A whole number; says what to type rather than WTForms' "Not a valid integer value"."""

    message = _l("Enter a whole number, e.g. 90.")

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # empty is "not given"; validators decide whether that is fine
            return
        try:
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError as exc:
            raise ValueError(str(self.message)) from exc


class YearField(WholeNumberField):
    message = _l("Enter the year as four digits, e.g. 2026.")


class NumberField(OptionalFloat):
    """A decimal number (comma or point); "nan" and "inf" parse as floats but are no numbers."""

    def process_formdata(self, valuelist):
        # A typed "−10" (the minus sign, not the hyphen) is what word processors paste.
        valuelist = [v.replace("\u2212", "-") for v in valuelist]
        try:
            super().process_formdata(valuelist)
            if self.data is not None and not math.isfinite(self.data):
                raise ValueError(self.data)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(_l("Enter a number, e.g. 3 or 66,3."))) from exc


DATE_MESSAGE = _l("Enter the date as YYYY-MM-DD, e.g. 2027-06-30.")


def category_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("All categories"))] + [
        SelectChoice(c.code, _l(c.label)) for c in CATEGORIES
    ]


class DateInput(DateField):
    """A date as YYYY-MM-DD; empty is "not given" (validators decide), a typo says what to type."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError as exc:
            raise ValueError(str(DATE_MESSAGE)) from exc


class CriterionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the criterion a title.")), Length(max=200)],
    )
    area_id = SelectField(
        _l("Area"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    kind = SelectField(
        _l("What is measured"),
        choices=[SelectChoice(code, _l(label)) for code, label in KINDS],
        invalid_choice_message=INVALID_CHOICE,
    )
    direction = SelectField(
        _l("The target is met when the value is"),
        choices=[SelectChoice(code, _l(label)) for code, label in DIRECTIONS],
        default="at_least",
        invalid_choice_message=INVALID_CHOICE,
    )
    target = NumberField(_l("Target"))
    days = WholeNumberField(_l("Within how many days"))
    category = SelectField(
        _l("Category counted"),
        choices=category_choices(),
        default="",
        filters=[lambda value: value or ""],  # None on a criterion is "" (all categories)
        invalid_choice_message=INVALID_CHOICE,
    )
    due_date = DateInput(_l("To be reached by"), format="%Y-%m-%d")
    action_item_id = SelectField(
        _l("Action item that reaches it"),
        coerce=optional_int,
        validate_choice=False,  # validate_action_item_id checks it against the chosen area
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )
    achieved_on = DateInput(_l("Achieved on"), format="%Y-%m-%d")
    baseline = NumberField(_l("Baseline"))
    baseline_year = YearField(_l("Baseline year"), validators=[Optional(), YEAR_RANGE])
    first_year = YearField(_l("First year"), validators=[Optional(), YEAR_RANGE])
    last_year = YearField(_l("Last year"), validators=[Optional(), YEAR_RANGE])
    data_source = TextAreaField(
        _l("Data source"),
        filters=[_strip],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    measured_by = StringField(
        _l("Measured by"), filters=[_strip], validators=[Optional(), Length(max=200)]
    )

    def validate_target(self, field):
        if self.kind.data == "milestone":
            return  # done or not: there is no number to reach
        if field.data is None:
            if not field.process_errors:  # a typing error is already reported
                raise ValidationError(_l("Enter the target as a number."))
            return
        if self.kind.data == "yearly_change":
            if not -100 <= field.data <= 1000:
                raise ValidationError(
                    _l("Enter the change in per cent, e.g. −10 for a fall of 10 %.")
                )
            return
        if field.data < 0:
            raise ValidationError(_l("The target cannot be negative."))
        if self.kind.data == "share_resolved_within_days" and field.data > 100:
            raise ValidationError(_l("A share is at most 100 %."))
        if self.kind.data == "safety_average" and not 1 <= field.data <= 5:
            raise ValidationError(_l("The safety feeling is on a scale from 1 to 5."))
        if self.kind.data in COUNT_KINDS and field.data > 1_000_000:
            raise ValidationError(_l("That target is too large."))

    def validate_due_date(self, field):
        if field.data is None:
            if self.kind.data == "milestone" and not field.process_errors:
                raise ValidationError(_l("Enter the date the milestone must be reached by."))
        elif not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Choose a date between 2000 and 2100."))

    #: Set by the view: item id -> (whether it exists, its area id).
    item_area: Callable[[int], tuple[bool, int | None]] = staticmethod(lambda _id: (False, None))

    def validate_action_item_id(self, field):
        if field.data is None or self.kind.data != "milestone":
            return  # other kinds drop the link on save
        exists, item_area = self.item_area(field.data)
        if not exists:
            raise ValidationError(INVALID_CHOICE)
        if self.area_id.data is not None and item_area != self.area_id.data:
            raise ValidationError(
                _l(
                    "That action item belongs to another area's plan. Choose one of this "
                    "area's items, or choose the item's area above."
                )
            )

    def validate_achieved_on(self, field):
        if field.data is None:
            return
        if not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Choose a date between 2000 and 2100."))
        if field.data > today():
            raise ValidationError(_l("The date it was achieved cannot be in the future."))

    def validate_days(self, field):
        if field.data is None:
            if self.kind.data == "share_resolved_within_days" and not field.process_errors:
                raise ValidationError(_l("Enter the number of days, e.g. 90."))
        elif not 1 <= field.data <= 3650:
            raise ValidationError(_l("Enter between 1 and 3650 days."))

    def validate_baseline(self, field):
        if field.data is not None and abs(field.data) > 1_000_000:
            raise ValidationError(_l("That number is too large."))

    def validate_baseline_year(self, field):
        if field.data is not None and self.baseline.data is None:
            raise ValidationError(_l("Enter the baseline value for that year, or clear the year."))

    def validate_last_year(self, field):
        first = self.first_year.data
        if field.data is not None and first is not None:
            if field.data < first:
                raise ValidationError(_l("The last year is before the first year."))
            if field.data - first >= 12:
                raise ValidationError(_l("Choose a period of at most 12 years."))


class ValueForm(FlaskForm):
    year = YearField(_l("Year"), validators=[InputRequired(_l("Enter the year.")), YEAR_RANGE])
    period = SelectField(
        _l("Period"),
        choices=[SelectChoice(code, _l(label)) for code, label in PERIODS],
        default="",
        invalid_choice_message=INVALID_CHOICE,
    )
    value = NumberField(_l("Value"))
    source = StringField(_l("Source"), filters=[_strip], validators=[Optional(), Length(max=300)])

    def validate_value(self, field):
        if field.data is None:
            if not field.process_errors:
                raise ValidationError(_l("Enter the value as a number, e.g. 62,4."))
            return
        if abs(field.data) > 1_000_000:
            raise ValidationError(_l("That number is too large."))


class ConfirmForm(FlaskForm):
    """Empty: CSRF for one-button actions (delete)."""
