"""The owner select shared by the walk, issue and action item pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from fieldapp.auth.models import User
from fieldapp.orgs.forms import INVALID_CHOICE, optional_int
from fieldapp.orgs.ownership import owner_options, owners_by_organisation


def unassigned_choice() -> SelectChoice:
    return SelectChoice("", _("— nobody: the organisation's unassigned queue —"))


def owner_choices(users: list[User]) -> list[SelectChoice]:
    """Members of one organisation (the item's)."""
    return [unassigned_choice()] + [SelectChoice(str(u.id), u.name) for u in users]


def owner_choices_for(session: Session, administration_id: int | None) -> list[SelectChoice]:
    return owner_choices(owner_options(session, administration_id))


def owner_choices_any(session: Session) -> list[SelectChoice]:
    """Members of every organisation, labelled with it, where the form also picks the
    organisation; the service refuses an owner from another one."""
    choices = [unassigned_choice()]
    for org, members in owners_by_organisation(session):
        choices += [SelectChoice(str(u.id), f"{u.name} ({org.label})") for u in members]
    return choices


def owner_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Owner"),
        coerce=optional_int,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        invalid_value_message=INVALID_CHOICE,
    )


class OwnerForm(FlaskForm):
    owner_id = owner_field()
