from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from fieldapp.areas.services import AreaError, parse_area_geojson
from fieldapp.forms_common import OptionalFloat, check_position
from fieldapp.taxonomy import CATEGORIES
from fieldapp.walkrequests.services import (
    MAX_OUTLINE_CHARS,
    REQUESTER_KINDS,
    SEASONS,
    TIMES_OF_DAY,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choices(pairs):
    return [SelectChoice(code, _l(label)) for code, label in pairs]


class WalkRequestForm(FlaskForm):
    requester_kind = RadioField(
        _l("Who is asking?"),
        choices=_choices(REQUESTER_KINDS),
        validators=[DataRequired(_l("Choose who is asking."))],
        invalid_choice_message=_l("Choose one of the options."),
    )
    organisation = StringField(
        _l("Name of the council, group or association (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=200)],
    )
    place_name = StringField(
        _l("Where should we walk?"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Name the place, street or area.")),
            Length(max=200, message=_l("Keep the place name under 200 characters.")),
        ],
    )
    lat = OptionalFloat(_l("Latitude"))
    lon = OptionalFloat(_l("Longitude"))
    outline = TextAreaField(
        _l("The area as GeoJSON (filled in as you draw)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=MAX_OUTLINE_CHARS,
                message=_l("The outline is too detailed. Draw it with fewer corners."),
            ),
        ],
        render_kw={"rows": 3, "spellcheck": "false"},
    )
    reason = TextAreaField(
        _l("Why? What feels unsafe there, and when?"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Tell us briefly why you ask for a walk.")),
            Length(max=3000, message=_l("Keep it under 3000 characters.")),
        ],
    )
    categories = SelectMultipleField(
        _l("What is it about? (optional, choose any)"),
        choices=[SelectChoice(c.code, _l(c.label)) for c in CATEGORIES],
        validate_choice=True,
        invalid_choice_message=_l("Choose from the list."),
    )
    season = RadioField(
        _l("Preferred time of year"),
        choices=_choices(SEASONS),
        default="any",
        validate_choice=True,
        invalid_choice_message=_l("Choose one of the options."),
    )
    time_of_day = RadioField(
        _l("Preferred time of day"),
        choices=_choices(TIMES_OF_DAY),
        default="any",
        validate_choice=True,
        invalid_choice_message=_l("Choose one of the options."),
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Email(_l("That does not look like an e-mail address.")),
            Length(max=254),
        ],
    )
    email_consent = BooleanField(_l("Yes, e-mail me when my request is answered"))

    def validate_lat(self, field):
        check_position(self.lat, self.lon)

    def validate_outline(self, field):
        if not field.data:
            return
        try:
            parse_area_geojson(field.data)
        except AreaError as exc:
            # Messages are the areas package's msgids, already in the catalogue.
            raise ValidationError(_(exc.message, **exc.params)) from exc

    def validate_email_consent(self, field):
        if self.email.data and not field.data:
            raise ValidationError(_l("Tick the box if we may e-mail you, or remove the address."))
        if field.data and not self.email.data:
            raise ValidationError(_l("Type your e-mail address, or untick the box."))


class AcceptForm(FlaskForm):
    """One-button form: CSRF on accepting too."""


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for declining (the requester sees it)"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Give a reason: the requester is told why.")),
            Length(max=2000),
        ],
    )
