"""Forms for local groups and their members; area choices are set by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from fieldapp.groups.models import MEMBER_ROLES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def optional_int(value) -> int | None:
    """Coerce a select's value: "" means none chosen."""
    if value in (None, "", "None"):
        return None
    return int(value)


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the group a name.")), Length(max=200)],
    )
    area_id = SelectField(_l("Area"), coerce=optional_int, validate_choice=True)
    description = TextAreaField(
        _l("Description"), filters=[_strip], validators=[Optional(), Length(max=5000)]
    )


class MemberForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the member's name.")), Length(max=120)],
    )
    role = SelectField(
        _l("Role in the group"),
        choices=[SelectChoice(code, _l(label)) for code, label in MEMBER_ROLES],
        default="resident",
        validate_choice=True,
    )
    organisation = StringField(
        _l("Organisation"), filters=[_strip], validators=[Optional(), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            Optional(),
            Email(_l("That does not look like an e-mail address.")),
            Length(max=254),
        ],
    )
    contact_consent = BooleanField(
        _l("The member agrees that we keep the address for invitations and minutes")
    )

    def validate_contact_consent(self, field):
        # The address is kept only with consent; the error sits on the box that is missing.
        if self.email.data and not field.data:
            raise ValidationError(
                _l("Tick the box if the member agreed, or remove the e-mail address.")
            )
        if field.data and not self.email.data:
            raise ValidationError(_l("Type the e-mail address, or untick the box."))


class ConfirmForm(FlaskForm):
    """An empty form: CSRF for one-button actions such as removing a member."""
