"""Open311 GeoReport v2 endpoints under /open311/v2/, as .json or .xml.

Clients authenticate with an api_key (POST only), not a session cookie, so the blueprint is
exempt from CSRF; POST is rate-limited per address. Every error, unknown paths and formats
included, is the spec's list of {code, description} in the requested format (JSON when the
format cannot be told).

Privacy choices, for reviewers:
* POST keeps only an e-mail address (with consent set: Open311 clients ask for it before
  sending one); first_name, last_name, phone, device_id and account_id are accepted, as the
  spec requires, and discarded.
* media_url is checked and acknowledged but not stored: fetching it would let clients make
  the server call arbitrary addresses, and keeping the link would publish an unmoderated
  photo. A photo sent as the multipart file field `media` goes through the same pipeline as
  a walk photo (re-encoded, metadata stripped) and is only shown to coordinators.
* GET never returns media_url or anything about the reporter.
"""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from fieldapp.capture.uploads import process_uploads
from fieldapp.db import utcnow
from fieldapp.extensions import csrf, db, limiter
from fieldapp.i18n import select_locale
from fieldapp.media.views import get_storage
from fieldapp.notify.urls import absolute_url
from fieldapp.open311.forms import (
    TOKEN_RE,
    check_jurisdiction,
    clean_text,
    parse_new_request,
    parse_request_id,
    parse_request_query,
)
from fieldapp.open311.serializers import (
    FORMATS,
    MIMETYPES,
    created_record,
    encode,
    error_records,
    request_record,
    service_definition,
    service_record,
    token_record,
)
from fieldapp.open311.services import (
    Open311Error,
    authenticate,
    create_request,
    find_by_token,
    find_requests,
    get_by_token,
    get_request,
    get_service,
    list_services,
)
from fieldapp.taxonomy import N_

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)

DEFAULT_JURISDICTION = "aalborg.dk"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _http_messages() -> dict[int, str]:
    return {
        400: _("The request was not understood."),
        401: _("An api_key is required."),
        403: _("Not allowed."),
        404: _("There is no such Open311 resource."),
        405: _("This method is not allowed here."),
        413: _("The request is too large. Send fewer or smaller photos."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("An error on our side stopped this. It has been logged; please try again."),
    }


def _locale():
    """`?locale=en` (or en_GB, en-GB) first, then the app's usual choice (Danish by default)."""
    wanted = (request.args.get("locale") or "").replace("-", "_").split("_")[0].lower()
    languages = current_app.config["LANGUAGES"]
    return force_locale(wanted if wanted in languages else select_locale())


def _requested_format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt is None:
        last = request.path.rsplit("/", 1)[-1]
        fmt = last.rsplit(".", 1)[-1] if "." in last else ""
    return fmt if fmt in FORMATS else "json"


def respond(data: dict | list, root: str, status: int = 200):
    fmt = _requested_format()
    return current_app.response_class(encode(data, fmt, root), status, mimetype=MIMETYPES[fmt])


def error_response(status: int, descriptions: list[str]):
    return respond(error_records(status, descriptions), "errors", status)


def api(view):
    """Check the format suffix and jurisdiction_id, and answer in the requested language."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if kwargs.get("fmt") not in FORMATS:
            raise Open311Error(404, N_("Unknown format; use .json or .xml."))
        jurisdiction = current_app.config.get("OPEN311_JURISDICTION") or DEFAULT_JURISDICTION
        check_jurisdiction(request.values.get("jurisdiction_id"), jurisdiction)
        with _locale():
            return view(*args, **kwargs)

    return wrapper


# --- services ------------------------------------------------------------------------------


@bp.get("/services.<fmt>")
@api
def services(fmt: str):
    return respond([service_record(c) for c in list_services()], "services")


@bp.get("/services/<code>.<fmt>")
@api
def service(code: str, fmt: str):
    """:raise 404: unknown service code."""
    return respond(service_definition(get_service(code)), "service_definition")


# --- requests ------------------------------------------------------------------------------


@bp.get("/requests.<fmt>")
@api
def requests(fmt: str):
    """Filters: service_request_id, service_code, status, start_date, end_date (last 90 days)."""
    query = parse_request_query(request.args, utcnow())
    found = find_requests(db.session, query)
    return respond([request_record(o) for o in found], "service_requests")


@bp.post("/requests.<fmt>")
@limiter.limit("30 per minute")
@api
def create(fmt: str):
    """Create a request; a repeated `token` (or `client_key`) returns the first one.

    :raise 401/403: missing or invalid api_key. :raise 400: invalid fields or photo.
    """
    form = request.form
    authenticate(db.session, form.get("api_key"))
    data = parse_new_request(form)
    observation = find_by_token(db.session, data.token)
    if observation is None:
        photos, photo_errors = process_uploads(request.files.getlist("media"))
        if photo_errors:
            return error_response(400, photo_errors)
        try:
            observation, _created = create_request(db.session, get_storage(), data, photos)
            db.session.commit()
        except IntegrityError:
            # A retry raced the first attempt with the same token: answer with the winner.
            db.session.rollback()
            observation = find_by_token(db.session, data.token)
            if observation is None:
                raise
    notice = _(
        "Thank you. Your report will be looked at by the safety walk coordinators. "
        "Follow it with tracking code %(code)s at %(url)s",
        code=observation.tracking_code,
        url=absolute_url("followup.track", code=observation.tracking_code),
    )
    if clean_text(form.get("media_url")):
        # First, so that the link stays the last thing in the notice.
        notice = (
            _("Photos given as media_url are not kept; send the photo as the file field media.")
            + " "
            + notice
        )
    return respond([created_record(observation, notice)], "service_requests")


@bp.get("/requests/<request_id>.<fmt>")
@api
def request_detail(request_id: str, fmt: str):
    """One request, as a list of one like the spec. :raise 404: unknown id."""
    parsed = parse_request_id(request_id)
    if parsed is None:
        raise Open311Error(
            404,
            N_("There is no service request with the id %(id)s."),
            id=clean_text(request_id)[:40],
        )
    return respond([request_record(get_request(db.session, parsed))], "service_requests")


@bp.get("/tokens/<token>.<fmt>")
@api
def token(token: str, fmt: str):
    """The request id for a token given at POST. :raise 404: unknown token."""
    if not TOKEN_RE.fullmatch(token):
        raise Open311Error(404, N_("There is no service request with this token."))
    observation = get_by_token(db.session, token)
    return respond([token_record(observation, token)], "service_requests")


# --- everything else -----------------------------------------------------------------------


@bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS)
@bp.route("/<path:rest>", methods=ALL_METHODS)
def not_found(rest: str):
    """Unknown paths under the prefix get a spec error, and a known path a 405, not HTML."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise Open311Error(404, N_("There is no such Open311 resource."))


@bp.errorhandler(Open311Error)
def open311_error(exc: Open311Error):
    with _locale():
        descriptions = [_(message, **params) for message, params in exc.problems]
    return error_response(exc.status, descriptions)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    with _locale():
        description = _http_messages().get(status, str(exc.name))
    response = error_response(status, [description])
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


@bp.errorhandler(InternalServerError)
def server_error(exc: InternalServerError):
    db.session.rollback()
    current_app.logger.exception("Unhandled Open311 error", exc_info=exc.original_exception or exc)
    with _locale():
        description = _http_messages()[500]
    return error_response(500, [description])
