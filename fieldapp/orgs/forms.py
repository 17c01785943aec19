"""Admin forms: administrations, staff accounts, areas. The rules themselves live in services."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from fieldapp.auth.services import MIN_PASSWORD_LENGTH, password_problem
from fieldapp.orgs.models import ADMINISTRATION_KINDS, Administration
from fieldapp.orgs.services import ROLE_LABELS, OrgError, parse_emails

INVALID_CHOICE = _l("Choose an option from the list.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def optional_int(value) -> int | None:
    """Coerce a select's value: "" means none chosen."""
    if value in (None, ""):
        return None
    return int(value)


def administration_choices(
    administrations: list[Administration], empty_label: str | None = None, short: bool = False
) -> list[SelectChoice]:
    """Options for an administration select; `short` uses short names where a table is dense."""
    choices = [SelectChoice("", empty_label or _("— none —"))]
    for a in administrations:
        name = a.label if short else a.name
        label = name if a.active else _("%(name)s (inactive)", name=name)
        choices.append(SelectChoice(str(a.id), label))
    return choices


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l(label)) for code, label in ROLE_LABELS.items()]


def check_password_policy(password: str | None, email: str | None) -> None:
    problem = password_problem(password or "", email or "")
    if problem is not None:
        raise ValidationError(_(problem[0], **problem[1]))


class AdministrationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the administration's name.")), Length(max=200)],
    )
    short_name = StringField(
        _l("Short name"), filters=[_strip], validators=[Optional(), Length(max=60)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(code, _l(label)) for code, label in ADMINISTRATION_KINDS],
        default="municipality",
        invalid_choice_message=INVALID_CHOICE,
    )
    emails = TextAreaField(
        _l("Contact e-mails"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    description = TextAreaField(
        _l("What they handle"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3}
    )
    active = BooleanField(_l("Active (can receive issues)"), default=True)

    def validate_emails(self, field):
        try:
            parse_emails(field.data)
        except OrgError as exc:
            raise ValidationError(_(exc.message, **exc.params)) from exc


class _AccountFields(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=role_choices,
        default="coordinator",
        invalid_choice_message=INVALID_CHOICE,
    )
    administration_id = SelectField(
        _l("Administration"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )

    def validate_administration_id(self, field):
        if self.role.data == "staff" and field.data is None:
            raise ValidationError(_("Staff users must belong to an administration. Choose one."))


class UserCreateForm(_AccountFields):
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Email(_l("Not a valid e-mail address.")),
            Length(max=254),
        ],
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    password = PasswordField(
        _l("Initial password"),
        description=_l(
            "At least %(num)d characters; not your e-mail address or a common password.",
            num=MIN_PASSWORD_LENGTH,
        ),
        validators=[DataRequired(_l("Enter an initial password.")), Length(max=200)],
    )

    def validate_password(self, field):
        check_password_policy(field.data, self.email.data)


class UserEditForm(_AccountFields):
    active = BooleanField(_l("Active (can log in)"))
    new_password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(num)d characters; not your e-mail address or a common password.",
            num=MIN_PASSWORD_LENGTH,
        ),
        validators=[Optional(), Length(max=200)],
    )
    # The account's address, set by the view, so the password rules can compare with it.
    account_email = ""

    def validate_new_password(self, field):
        check_password_policy(field.data, self.account_email)


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[Optional(), Length(max=200)])
    # Drawing on the map fills this field, so pasting and drawing share one validation.
    geojson = TextAreaField(_l("Outline as GeoJSON"), render_kw={"rows": 6, "spellcheck": "false"})
    upload = FileField(_l("…or a GeoJSON file"))


class DeactivateForm(FlaskForm):
    """Deactivate an account; its open items go to a successor or the unassigned queue."""

    handover = RadioField(
        _l("Who takes over the open items"),
        choices=[
            SelectChoice("successor", _l("A successor (an active member of the organisation)")),
            SelectChoice("unassigned", _l("The organisation's unassigned queue")),
        ],
        validators=[Optional()],
        validate_choice=True,
    )
    successor = SelectField(
        _l("Successor"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )

    def validate_successor(self, field):
        if self.handover.data == "successor" and field.data is None:
            raise ValidationError(_("Choose the successor."))


class ConfirmForm(FlaskForm):
    """An empty form: CSRF protection for one-button actions such as delete."""


def show_service_error(form: FlaskForm, exc, fallback_field: str) -> None:
    """Put a service error (msgid + params) on the form field it concerns, translated."""
    name = getattr(exc, "field", None) or fallback_field
    target = form[name] if name in form else form[fallback_field]
    target.errors = [*target.errors, _(exc.message, **exc.params)]
