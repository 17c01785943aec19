import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from fieldapp.forms_common import OptionalFloat, check_position
from fieldapp.taxonomy import CATEGORIES, SAFETY_SCALE, SEVERITIES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class ObservationForm(FlaskForm):
    category = RadioField(
        _l("What is it about?"),
        choices=[SelectChoice(c.code, _l(c.label)) for c in CATEGORIES],
        validators=[DataRequired(_l("Choose what the observation is about."))],
    )
    safety = RadioField(
        _l("How safe do you feel here?"),
        choices=[SelectChoice(value, _l(label)) for value, label in SAFETY_SCALE],
        coerce=_optional_int,
        validators=[Optional()],
        validate_choice=False,
    )
    text = TextAreaField(_l("Describe what you see"), validators=[Optional(), Length(max=2000)])
    severity = RadioField(
        _l("How serious is it? (optional)"),
        choices=[SelectChoice(value, _l(label)) for value, label in SEVERITIES],
        coerce=_optional_int,
        validators=[Optional()],
        validate_choice=False,
    )
    # Every field has a label, even the hidden ones nobody sees: without one WTForms translates
    # a default label made from the name, which asks for the request's language on every
    # submission (bench/submit_cpu.py); now only an error message does.
    lat = OptionalFloat(_l("Latitude"))
    lon = OptionalFloat(_l("Longitude"))
    accuracy_m = OptionalFloat("")
    location_source = HiddenField("", validators=[Optional(), Regexp(r"^(gps|map)$")])
    photos = MultipleFileField(_l("Photos"))
    client_key = HiddenField(
        "",
        default=lambda: uuid.uuid4().hex,
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{8,64}$")],
    )
    # Follow-up by e-mail: stored only with the consent box ticked (see capture.services._apply).
    reporter_email = EmailField(
        _l("Your e-mail address"),
        filters=[_strip],
        validators=[
            Optional(),
            Email(_l("That does not look like an e-mail address.")),
            Length(max=254),
        ],
    )
    email_consent = BooleanField(_l("Yes, e-mail me when the status changes"))

    def validate_safety(self, field):
        if field.data is not None and field.data not in dict(SAFETY_SCALE):
            raise ValidationError(_l("Choose a value from 1 to 5."))

    def validate_severity(self, field):
        if field.data is not None and field.data not in dict(SEVERITIES):
            raise ValidationError(_l("Choose one of the options."))

    def validate_email_consent(self, field):
        if self.reporter_email.data and not field.data:
            raise ValidationError(_l("Tick the box if we may e-mail you, or remove the address."))
        if field.data and not self.reporter_email.data:
            raise ValidationError(_l("Type your e-mail address, or untick the box."))

    def validate_lat(self, field):
        check_position(self.lat, self.lon)

    def validate_accuracy_m(self, field):
        if field.data is not None and not (0 <= field.data <= 100_000):
            field.data = None  # a nonsense accuracy is dropped, the position itself is kept


class DeletePhotoForm(FlaskForm):
    """One-button form: CSRF on removing a photo too."""


class DeleteObservationForm(FlaskForm):
    """One-button form: CSRF on deleting an observation."""
