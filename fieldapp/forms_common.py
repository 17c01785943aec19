"""Form pieces shared by several tasks."""

from __future__ import annotations

from functools import cache

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, ValidationError
from wtforms.i18n import messages_path

from fieldapp.geo import InvalidPosition, validate_position


@cache
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _RequestLocaleTranslations:
    """WTForms' own messages ("Not a valid choice." …) in the request's language.

    Flask-WTF's default loads the catalogue from disk for every request and asks for it again
    for every field without a label, which was a fifth of building the capture form (bench/
    submit_cpu.py); the catalogues are loaded once per language here, and Flask-Babel keeps the
    request's locale, so a lookup is a dictionary hit.
    """

    @staticmethod
    def _catalogue() -> support.NullTranslations:
        return _wtforms_catalogue(str(get_locale()))

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = _RequestLocaleTranslations()


class CachedTranslationsMeta:
    """Form Meta for a form built on every request of a hot path (the capture form):
    the same WTForms messages and languages as Flask-WTF's default, without its per-request
    catalogue load. Used as `class Meta(CachedTranslationsMeta)`."""

    def get_translations(self, form):
        return WTFORMS_TRANSLATIONS


class OptionalFloat(FloatField):
    """A float input that tolerates the comma a Danish keyboard types and an empty value."""

    def __init__(self, *args, **kwargs):
        # No Optional(): it stops the validation chain on an empty value, so a pair check such as
        # `validate_lat` would never see a longitude sent without its latitude.
        kwargs.setdefault("validators", [])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.strip().replace(",", ".") for v in valuelist]
        if valuelist and valuelist[0] == "":
            self.data = None
            return
        super().process_formdata(valuelist)


def check_position(lat_field, lon_field) -> tuple[float, float] | None:
    """Validate a lat/lon pair from a form; attach the error to the latitude field."""
    try:
        return validate_position(lat_field.data, lon_field.data)
    except InvalidPosition as exc:
        raise ValidationError(
            _l("The position is not valid. Place the pin on the map again.")
        ) from exc
