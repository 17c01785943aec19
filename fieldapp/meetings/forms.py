"""Forms of the meeting pages; choices that depend on data are set by the views."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from fieldapp.forms_common import OptionalFloat, check_position
from fieldapp.groups.forms import optional_int
from fieldapp.meetings.services import MAX_VOTES, MEETING_STATUSES
from fieldapp.taxonomy import CATEGORIES, PARTICIPANT_ROLES

# Deadlines further out than this are almost always a mistyped year.
MAX_DEADLINE_YEARS = 10


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DateInput(DateField):
    """A date input whose parse error says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter the deadline as a date, e.g. 2026-12-31.")) from exc


class MeetingForm(FlaskForm):
    group_id = SelectField(_l("Local group"), coerce=optional_int, validate_choice=True)
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the meeting a title.")), Length(max=200)],
    )
    starts_at = DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(_l("Enter a date and time, e.g. 2026-12-01 18:30."))],
    )
    place = StringField(_l("Place"), filters=[_strip], validators=[Optional(), Length(max=200)])
    agenda = TextAreaField(
        _l("Agenda"), filters=[_strip], validators=[Optional(), Length(max=5000)]
    )
    votes_per_participant = IntegerField(
        _l("Votes per participant"),
        default=3,
        validators=[
            DataRequired(_l("Enter a number from 1 to %(max)d.", max=MAX_VOTES)),
            NumberRange(1, MAX_VOTES, _l("Enter a number from 1 to %(max)d.", max=MAX_VOTES)),
        ],
    )

    def validate_group_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose the group that meets."))


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(code, _l(label)) for code, label in MEETING_STATUSES],
        validate_choice=True,
    )


class NotesForm(FlaskForm):
    notes = TextAreaField(
        _l("Notes for the minutes"), filters=[_strip], validators=[Optional(), Length(max=20000)]
    )


class DecisionForm(FlaskForm):
    """A decision on one finding, optionally with one action item for the action plan.

    The view sets `meeting_day` (the meeting's local date) before validating: a deadline
    before the meeting is a typo, not a plan.
    """

    meeting_day: date | None = None

    text = TextAreaField(
        _l("Decision"),
        filters=[_strip],
        validators=[DataRequired(_l("Write what the meeting decided.")), Length(max=5000)],
    )
    # No Optional(): it would stop the chain before validate_action_description sees the
    # other action fields.
    action_description = TextAreaField(
        _l("Action item (what will be done)"), filters=[_strip], validators=[Length(max=2000)]
    )
    action_administration_id = SelectField(
        _l("Responsible administration"), coerce=optional_int, validate_choice=True
    )
    action_person = StringField(
        _l("Or a responsible person"), filters=[_strip], validators=[Optional(), Length(max=120)]
    )
    action_deadline = DateInput(_l("Deadline"), validators=[Optional()])
    action_initiative = BooleanField(_l("Counts as a safety initiative"))

    def has_action(self) -> bool:
        return bool(
            self.action_description.data
            or self.action_administration_id.data
            or self.action_person.data
            or self.action_deadline.data
            or self.action_initiative.data
        )

    def validate_action_description(self, field):
        if not field.data and self.has_action():
            raise ValidationError(_l("Describe the action item, or clear its other fields."))

    def validate_action_administration_id(self, field):
        if self.action_description.data and not (field.data or self.action_person.data):
            raise ValidationError(
                _l("Choose the responsible administration or name a responsible person.")
            )

    def validate_action_deadline(self, field):
        if field.data is None or self.meeting_day is None:
            return
        if field.data < self.meeting_day:
            raise ValidationError(_l("The deadline is before the meeting. Check the date."))
        if field.data > self.meeting_day + timedelta(days=366 * MAX_DEADLINE_YEARS):
            raise ValidationError(_l("The deadline is more than ten years away. Check the year."))

    def action_data(self) -> dict | None:
        """The action item's fields for services.create_action_item, or None."""
        if not self.action_description.data:
            return None
        return {
            "description": self.action_description.data,
            "administration_id": self.action_administration_id.data,
            "responsible_person": self.action_person.data or "",
            "deadline": self.action_deadline.data,
            "is_initiative": bool(self.action_initiative.data),
        }


class JoinMeetingForm(FlaskForm):
    role = RadioField(
        _l("I am taking part as"),
        choices=[SelectChoice(code, _l(label)) for code, label in PARTICIPANT_ROLES],
        validators=[DataRequired(_l("Choose how you take part."))],
        validate_choice=True,
    )
    display_name = StringField(
        _l("Name (optional)"), filters=[_strip], validators=[Optional(), Length(max=60)]
    )
    name_in_minutes = BooleanField(_l("Show my name in the minutes"))

    def validate_name_in_minutes(self, field):
        if field.data and not self.display_name.data:
            raise ValidationError(_l("Type your name, or untick the box."))


class VoteForm(FlaskForm):
    """An empty form: CSRF on every vote and undo."""


class MeetingObservationForm(FlaskForm):
    category = RadioField(
        _l("What is it about?"),
        choices=[SelectChoice(c.code, _l(c.label)) for c in CATEGORIES],
        validators=[DataRequired(_l("Choose what the observation is about."))],
    )
    text = TextAreaField(
        _l("Describe what you see"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )
    lat = OptionalFloat(_l("Latitude"))
    lon = OptionalFloat(_l("Longitude"))
    location_source = HiddenField(validators=[Optional(), Regexp(r"^(gps|map)$")])
    client_key = HiddenField(
        default=lambda: uuid.uuid4().hex,
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{8,64}$")],
    )

    def validate_lat(self, field):
        check_position(self.lat, self.lon)
