"""Staff forms on a photo: a blur rectangle in whole percent, and showing or hiding it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, InputRequired, NumberRange


def _percent(label, low: int):
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a whole number from %(low)d to 100.", low=low)),
            NumberRange(low, 100, _l("Enter a whole number from %(low)d to 100.", low=low)),
        ],
    )


class BlurRegionForm(FlaskForm):
    """The area to blur in percent of the picture (the drawing tool fills the same fields)."""

    left = _percent(_l("From the left edge (%)"), 0)
    top = _percent(_l("From the top edge (%)"), 0)
    width = _percent(_l("Width (%)"), 1)
    height = _percent(_l("Height (%)"), 1)

    def validate_width(self, field) -> None:
        if _past_edge(self.left.data, field.data):
            field.errors.append(_l("The area goes past the right edge of the photo."))

    def validate_height(self, field) -> None:
        if _past_edge(self.top.data, field.data):
            field.errors.append(_l("The area goes past the bottom edge of the photo."))

    def region(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) as fractions 0..1 of the picture."""
        values = (self.left.data, self.top.data, self.width.data, self.height.data)
        return tuple(v / 100 for v in values)


def _past_edge(start: int | None, size: int | None) -> bool:
    return start is not None and size is not None and start + size > 100


class PhotoVisibilityForm(FlaskForm):
    """One button: hide the photo from everyone beyond triage, or show it (blurred) again."""

    hide = HiddenField(validators=[AnyOf(["0", "1"])])
