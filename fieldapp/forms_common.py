"""Form pieces shared by several tasks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, ValidationError

from fieldapp.geo import InvalidPosition, validate_position


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
