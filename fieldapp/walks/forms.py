from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from fieldapp.areas.services import list_areas
from fieldapp.extensions import db
from fieldapp.forms_common import OptionalFloat, check_position
from fieldapp.orgs.owner_forms import owner_choices_any, owner_field
from fieldapp.orgs.services import administration_options
from fieldapp.taxonomy import PARTICIPANT_ROLES, WALK_STATUSES


def _optional_id(value) -> int | None:
    """A select's value as an id; "" (or nothing sent) means none chosen."""
    return None if value in (None, "") else int(value)


def _area_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("— find it from the meeting point —"))] + [
        SelectChoice(str(area.id), area.name) for area in list_areas(db.session)
    ]


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("— choose —"))] + [
        SelectChoice(str(a.id), a.name) for a in administration_options(db.session)
    ]


class WalkForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the walk a title.")), Length(max=200)]
    )
    place_name = StringField(
        _l("Area or place"),
        validators=[DataRequired(_l("Name the area or place.")), Length(max=200)],
    )
    starts_at = DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(_l("Enter a date and time, e.g. 2026-12-01 18:30."))],
    )
    meeting_point = StringField(_l("Meeting point"), validators=[Optional(), Length(max=200)])
    meeting_lat = OptionalFloat(_l("Latitude"))
    meeting_lon = OptionalFloat(_l("Longitude"))
    area_id = SelectField(
        _l("Area"),
        coerce=_optional_id,
        choices=_area_choices,
        validate_choice=True,
        invalid_choice_message=_l("Choose an area from the list."),
        invalid_value_message=_l("Choose an area from the list."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    organiser = StringField(_l("Organiser"), validators=[Optional(), Length(max=200)])
    administration_id = SelectField(
        _l("Organising organisation"),
        coerce=_optional_id,
        choices=_organisation_choices,
        validate_choice=True,
        invalid_choice_message=_l("Choose an organisation from the list."),
        invalid_value_message=_l("Choose an organisation from the list."),
    )
    owner_id = owner_field(_l("Owner (person responsible for the follow-up)"))
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(code, _l(label)) for code, label in WALK_STATUSES],
        default="planned",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = owner_choices_any(db.session)

    def validate_administration_id(self, field):
        # Required once organisations exist; a fresh install without any can still plan walks.
        if field.data is None and len(field.choices) > 1:
            raise ValidationError(_l("Choose the organisation that organises the walk."))

    def validate_meeting_lat(self, field):
        check_position(self.meeting_lat, self.meeting_lon)


class StatusForm(FlaskForm):
    status = SelectField(choices=[SelectChoice(code, _l(label)) for code, label in WALK_STATUSES])


class JoinForm(FlaskForm):
    role = RadioField(
        _l("I am taking part as"),
        choices=[SelectChoice(code, _l(label)) for code, label in PARTICIPANT_ROLES],
        validators=[DataRequired(_l("Choose how you take part."))],
        validate_choice=True,
    )
    display_name = StringField(
        _l("Name or nickname (optional)"), validators=[Optional(), Length(max=60)]
    )
    # Only for the walk's follow-up report, only with the box ticked; deleted with the participant.
    email = EmailField(
        _l("Your e-mail address (optional)"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Email(_l("That does not look like an e-mail address.")),
            Length(max=254),
        ],
    )
    report_consent = BooleanField(_l("Send me the follow-up report"))

    def validate_report_consent(self, field):
        if self.email.data and not field.data:
            raise ValidationError(_l("Tick the box if we may e-mail you, or remove the address."))
        if field.data and not self.email.data:
            raise ValidationError(_l("Type your e-mail address, or untick the box."))
