"""The filter of the admin's log page: a GET form, so a filtered view can be bookmarked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False  # reading only; the filter lives in the URL

    user = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=40)])
    object_id = IntegerField(
        _l("Object number"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, inclusive)"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
