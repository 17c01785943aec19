"""One place that renders 4xx/5xx errors, as HTML for people and JSON for API clients."""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.extensions import db
from fieldapp.media.s3_storage import S3StorageError

# Seconds a client should wait before sending again when photo storage is down (the error
# page says "in a minute").
RETRY_AFTER = "60"


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("Something in the request was not right. Please try again.")),
        403: (_("Not allowed"), _("You do not have access to this page.")),
        404: (_("Not found"), _("We could not find that page. The link may be wrong or old.")),
        405: (_("Not allowed"), _("That action is not possible here.")),
        409: (_("Not possible right now"), _("That cannot be done in the current state.")),
        413: (
            _("Too large"),
            _("What you sent was too large. Try fewer or smaller photos."),
        ),
        429: (_("Too many attempts"), _("Please wait a moment and try again.")),
        500: (
            _("Something went wrong"),
            _("An error on our side stopped this. It has been logged; please try again."),
        ),
        503: (
            _("Not available right now"),
            _("Photos cannot be stored or shown at the moment. Please try again in a minute."),
        ),
    }


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/open311/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, detail: str | None = None):
    title, text = _messages().get(code, (str(code), ""))
    if detail:
        text = detail
    if wants_json():
        return jsonify(error=title, message=text, status=code), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400, _("The form expired or was sent twice. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        detail = exc.description if getattr(exc, "fieldapp_message", False) else None
        return render_error(exc.code, detail)

    @app.errorhandler(S3StorageError)
    def storage_unavailable(exc: S3StorageError):
        # The photo bucket could not be reached or refused (network, credentials, quota):
        # nothing is lost, so "try again" rather than a crash. The outbox retries a 5xx with
        # the observation kept on the phone; HTML forms catch it first (`photos_not_stored`).
        _undo(exc)
        return retry_later(render_error(503))

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=exc.original_exception or exc)
        return render_error(500)


def _undo(exc: S3StorageError) -> None:
    """Drop what the request began; the bucket's own message is for the log only."""
    db.session.rollback()
    current_app.logger.error("Photo storage unavailable: %s", exc)


def photos_not_stored(exc: S3StorageError) -> None:
    """A form with photos met a bucket it cannot reach: undo what the submission began and
    say so at the top of the page. The view re-renders the form with what was typed (a page
    cannot refill a file input, so it asks for the photos again) through `retry_later`."""
    _undo(exc)
    flash(
        _(
            "The photos could not be saved right now, so nothing is saved yet. What you typed "
            "is kept below – please try again in a moment."
        ),
        "error",
    )


def retry_later(rv: ResponseReturnValue) -> Response:
    """`rv` as a 503 with Retry-After: nothing was stored, and trying again soon may work."""
    response = make_response(rv)
    response.status_code = 503
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def abort_with(code: int, message: str):
    """Abort with a user-facing message that the error page shows instead of the generic one."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=message)
    exc.fieldapp_message = True
    raise exc
