"""One place that renders 4xx/5xx errors, as HTML for people and JSON for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.extensions import db
from fieldapp.media.s3_storage import S3StorageError


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
        # the observation kept on the phone.
        db.session.rollback()
        app.logger.error("Photo storage unavailable: %s", exc)
        response = make_response(render_error(503))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=exc.original_exception or exc)
        return render_error(500)


def abort_with(code: int, message: str):
    """Abort with a user-facing message that the error page shows instead of the generic one."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=message)
    exc.fieldapp_message = True
    raise exc
