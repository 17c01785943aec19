"""NUL characters are dropped from submitted text before any view sees it.

No keyboard types U+0000, but a crafted request can, and PostgreSQL refuses it in text columns
("text fields cannot contain NUL bytes"), which would turn a form post into a 500. Dropping it
keeps everything else the person wrote, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict


def _without_nul(values: MultiDict) -> ImmutableMultiDict | None:
    """A copy of `values` without NUL characters, or None when there were none."""
    pairs = list(values.items(multi=True))
    if not any("\x00" in key or "\x00" in value for key, value in pairs):
        return None
    return ImmutableMultiDict(
        [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in pairs]
    )


def register(app: Flask) -> None:
    @app.before_request
    def drop_nul_characters() -> None:
        if request.args:
            cleaned = _without_nul(request.args)
            if cleaned is not None:
                request.args = cleaned
        if request.method in ("POST", "PUT", "PATCH") and request.form:
            cleaned = _without_nul(request.form)
            if cleaned is not None:
                request.form = cleaned
