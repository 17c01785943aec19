"""Which language and time zone a request is served in."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str:
    """The participant's own choice first, then the staff user's, then the browser's; Danish."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    # Walks happen in Denmark; everyone sees local time whatever their phone says.
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
