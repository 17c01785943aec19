"""Reading GeoReport v2 parameters into plain values, or one 400 listing every problem.

Plain functions rather than WTForms: the field names are the spec's (`long`, `attribute[safety]`),
there is no CSRF token (clients use an api_key) and errors must come back in the spec's list
format. No Flask here; the view passes `request.form` / `request.args`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from fieldapp.geo import InvalidPosition, validate_position
from fieldapp.open311.services import NewRequest, Open311Error, RequestQuery
from fieldapp.taxonomy import CATEGORY_BY_CODE, N_, SAFETY_LABELS

MAX_DESCRIPTION = 2000
MAX_ADDRESS = 300
MAX_EMAIL = 254
MAX_MEDIA_URL = 2000
MAX_IDS = 1000
MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL
DEFAULT_DAYS = 90
# A token is a client's own idempotency key; the column holds 64 characters minus our prefix.
TOKEN_RE = re.compile(r"[A-Za-z0-9._~:-]{1,59}")
# C0 controls other than tab and newlines, and what XML 1.0 cannot carry: PostgreSQL refuses
# NUL in text, and the XML output must stay well-formed.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str | None) -> str:
    return _UNSAFE_CHARS.sub("", value or "").strip()


def check_jurisdiction(value: str | None, configured: str) -> None:
    """A server for one jurisdiction: none given is fine, any other than ours is not here.

    :raise Open311Error: 404 for another jurisdiction.
    """
    value = clean_text(value)
    if value and value.lower() != configured.lower():
        raise Open311Error(
            404,
            N_("Unknown jurisdiction_id %(value)s; this server serves %(ours)s."),
            value=value[:100],
            ours=configured,
        )


def _number(params: Mapping[str, str], name: str, problems: list) -> float | None:
    raw = clean_text(params.get(name))
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        problems.append((N_("%(name)s must be a number."), {"name": name}))
        return None
    if not math.isfinite(value):
        problems.append((N_("%(name)s must be a number."), {"name": name}))
        return None
    return value


def _position(params: Mapping[str, str], problems: list) -> tuple[float | None, float | None]:
    before = len(problems)
    lat, lon = _number(params, "lat", problems), _number(params, "long", problems)
    if len(problems) > before:
        return None, None
    try:
        position = validate_position(lat, lon)
    except InvalidPosition:
        problems.append(
            (
                N_("lat and long must both be given, as WGS84 degrees within range and not 0,0."),
                {},
            )
        )
        return None, None
    return position if position is not None else (None, None)


def _email(raw: str, problems: list) -> str | None:
    if not raw:
        return None
    if len(raw) > MAX_EMAIL:
        problems.append((N_("The email address is too long."), {}))
        return None
    try:
        normalized = validate_email(raw, check_deliverability=False).normalized
    except (EmailNotValidError, ValueError, UnicodeError):
        problems.append((N_("The email address is not valid."), {}))
        return None
    if len(normalized) > MAX_EMAIL:  # Unicode normalisation can lengthen it
        problems.append((N_("The email address is too long."), {}))
        return None
    return normalized


def _safety(raw: str, problems: list) -> int | None:
    if not raw:
        return None
    value = _small_int(raw)
    if value in SAFETY_LABELS:
        return value
    problems.append((N_("attribute[safety] must be a whole number from 1 to 5."), {}))
    return None


def _media_url(raw: str, problems: list) -> None:
    """Checked so a client learns of a typo, but never stored: see the view's docstring."""
    if raw and (len(raw) > MAX_MEDIA_URL or not re.match(r"https?://[^\s/]+", raw, re.I)):
        problems.append((N_("media_url must be an http or https address."), {}))


def parse_new_request(params: Mapping[str, str]) -> NewRequest:
    """The kept fields of a POST; first_name, last_name, phone, device_id and account_id are
    accepted by the spec but deliberately read by no one here (data minimisation).

    :raise Open311Error: 400 with every problem found.
    """
    problems: list[tuple[str, dict]] = []
    code = clean_text(params.get("service_code"))
    if not code:
        problems.append((N_("service_code is required."), {}))
    elif code not in CATEGORY_BY_CODE:
        problems.append((N_("There is no service with the code %(code)s."), {"code": code[:100]}))
    before = len(problems)
    lat, lon = _position(params, problems)
    position_failed = len(problems) > before
    address = clean_text(params.get("address_string"))
    if len(address) > MAX_ADDRESS:
        problems.append((N_("address_string is longer than %(n)d characters."), {"n": MAX_ADDRESS}))
    elif lat is None and not address and not position_failed:
        problems.append((N_("A location is required: lat and long, or address_string."), {}))
    description = clean_text(params.get("description"))
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            (N_("description is longer than %(n)d characters."), {"n": MAX_DESCRIPTION})
        )
    email = _email(clean_text(params.get("email")), problems)
    safety = _safety(clean_text(params.get("attribute[safety]")), problems)
    token = clean_text(params.get("token") or params.get("client_key"))
    if token and not TOKEN_RE.fullmatch(token):
        problems.append(
            (N_("token must be 1 to 59 letters, digits or the characters . _ ~ : -"), {})
        )
    _media_url(clean_text(params.get("media_url")), problems)
    if problems:
        raise Open311Error(400, problems=problems)
    return NewRequest(
        service_code=code,
        lat=lat,
        lon=lon,
        address=address,
        description=description,
        email=email,
        safety=safety,
        token=token or None,
    )


def parse_datetime(raw: str, name: str) -> datetime:
    """W3C/ISO 8601; a value without an offset is taken as UTC.

    :raise Open311Error: 400 when it is not a date.
    """
    try:
        value = datetime.fromisoformat(raw)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Open311Error(
            400,
            N_("%(name)s must be an ISO 8601 date and time, e.g. 2026-05-01T12:00:00Z."),
            name=name,
        ) from None


def _small_int(raw: str) -> int | None:
    """A plain positive decimal that fits the id column; None for anything else."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    return None


def _id_list(raw: str) -> tuple[int, ...]:
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        value = _small_int(part)
        if value is None:
            raise Open311Error(400, N_("service_request_id must be a list of request ids."))
        ids.append(value)
    if len(ids) > MAX_IDS:
        raise Open311Error(400, N_("Ask for at most %(n)d requests at a time."), n=MAX_IDS)
    return tuple(dict.fromkeys(ids))


def parse_request_id(raw: str) -> int | None:
    """A path's request id, or None when it cannot be one (the caller answers 404)."""
    return _small_int(raw)


def parse_request_query(params: Mapping[str, str], now: datetime) -> RequestQuery:
    """GET requests filters; without dates, the last 90 days.

    :raise Open311Error: 400 for an unknown status or service_code, or a bad date.
    """
    ids_raw = clean_text(params.get("service_request_id"))
    if ids_raw:
        ids = _id_list(ids_raw)
        if ids:
            return RequestQuery(ids=ids)
    codes = tuple(c.strip() for c in clean_text(params.get("service_code")).split(",") if c.strip())
    unknown = [c for c in codes if c not in CATEGORY_BY_CODE]
    if unknown:
        raise Open311Error(
            400, N_("There is no service with the code %(code)s."), code=unknown[0][:100]
        )
    statuses = frozenset(
        s.strip().lower() for s in clean_text(params.get("status")).split(",") if s.strip()
    )
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, N_("status must be open, closed or both (open,closed)."))
    start_raw = clean_text(params.get("start_date"))
    end_raw = clean_text(params.get("end_date"))
    start = parse_datetime(start_raw, "start_date") if start_raw else None
    end = parse_datetime(end_raw, "end_date") if end_raw else None
    if start is not None and end is not None and start > end:
        raise Open311Error(400, N_("start_date must be before end_date."))
    if start is None:
        try:
            start = (end or now) - timedelta(days=DEFAULT_DAYS)
        except OverflowError:  # an end_date in the first days of year 1
            start = datetime.min.replace(tzinfo=UTC)
    return RequestQuery(
        service_codes=codes,
        statuses=statuses if statuses != {"open", "closed"} else frozenset(),
        start=start,
        end=end,
    )
