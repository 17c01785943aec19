"""Forms for triage. Choices that depend on the issue or on data are set by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms_common import OptionalFloat, check_position
from fieldapp.taxonomy import CATEGORIES
from fieldapp.triage.workflow import PRIORITIES


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(c.code, _l(c.label)) for c in CATEGORIES]


def priority_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l(label)) for code, label in PRIORITIES]


class IssueFieldsForm(FlaskForm):
    """Title, description, category and priority: shared by "create" and "edit"."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the issue a title.")), Length(max=200)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    category = SelectField(_l("Category"), choices=category_choices())
    priority = SelectField(_l("Priority"), choices=priority_choices(), default="normal")


class CreateIssueForm(IssueFieldsForm):
    lat = OptionalFloat(_l("Latitude"))
    lon = OptionalFloat(_l("Longitude"))
    administration_id = SelectField(
        _l("Responsible administration"), coerce=_optional_int, validate_choice=True
    )

    def validate_lat(self, field):
        check_position(self.lat, self.lon)


class StatusForm(FlaskForm):
    to_status = SelectField(_l("New status"), validate_choice=True)
    administration_id = SelectField(
        _l("Administration (when forwarding)"), coerce=_optional_int, validate_choice=True
    )
    public_comment = TextAreaField(
        _l("Public comment (reporters see it)"), validators=[Optional(), Length(max=5000)]
    )
    internal_note = TextAreaField(
        _l("Internal note (never shown to reporters)"), validators=[Optional(), Length(max=5000)]
    )
    # Checked by capture/uploads.py's process_uploads in the view, as capture's photos are.
    after_photos = MultipleFileField(_l("After photos (optional)"))


class AfterPhotosForm(FlaskForm):
    """ "After" photos on their own, without a status change."""

    photos = MultipleFileField(_l("After photos"))


class ActionForm(FlaskForm):
    """An empty form: CSRF for one-button actions such as "merge into this issue"."""
