from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional


class ReportForm(FlaskForm):
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("Keep the introduction under %(max)d characters.")),
        ],
    )
    # Choices are the walk's photos, set by the view; anything else is refused.
    photos = SelectMultipleField(
        _l("Photos to show"),
        coerce=int,
        choices=[],
        validate_choice=True,
    )
