"""Forms of the privacy admin page. All POST: an e-mail address never goes into a URL or log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class ReporterSearchForm(FlaskForm):
    query = StringField(
        _l("E-mail address or tracking code"),
        validators=[
            DataRequired(_l("Enter the reporter's e-mail address or tracking code.")),
            Length(max=254),
        ],
    )


class ReporterActionForm(FlaskForm):
    """Export or erase: carries the search again, so nothing about the person sits in a URL."""

    query = HiddenField(validators=[DataRequired(), Length(max=254)])


class EraseForm(ReporterActionForm):
    delete_observations = BooleanField(_l("Also delete their observations and photos"))
    confirm = BooleanField(
        _l("I have checked that this is the person who asked, and understand it cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm the erasure."))],
    )
