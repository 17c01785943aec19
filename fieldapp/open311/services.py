"""GeoReport v2 rules: clients and keys, creating reports, and what the public may read.

No Flask here: views pass a session and parsed values (see forms.py). Messages are English
msgids marked with N_(); the view translates them when it renders the spec's error list.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.areas.assign import assign_observation
from fieldapp.capture.models import Observation
from fieldapp.capture.services import _attach, store_photos
from fieldapp.media.photos import Upload
from fieldapp.media.storage import Storage
from fieldapp.open311.models import ApiClient, hash_api_key
from fieldapp.taxonomy import CATEGORIES, CATEGORY_BY_CODE, N_, SAFETY_SCALE, Category
from fieldapp.triage.models import Issue
from fieldapp.triage.workflow import CLOSED_STATUSES

MAX_RESULTS = 1000
# Open311 tokens share the observation's client_key column with the walk phones' keys; the
# prefix keeps the two apart, so a token can never find (or collide with) a walk observation.
TOKEN_PREFIX = "o311:"  # noqa: S105 (a namespace, not a secret)
# Statuses where an administration has taken the issue on; before that none is "responsible".
ROUTED_STATUSES = frozenset({"forwarded", "in_progress", "resolved"})


class Open311Error(Exception):
    """A request the API refuses: an HTTP status and one or more (msgid, params) problems."""

    def __init__(self, status: int, message: str = "", problems=None, **params):
        super().__init__(message)
        self.status = status
        self.problems: list[tuple[str, dict]] = list(problems or [(message, params)])


# --- clients ------------------------------------------------------------------------------


def create_api_client(session: Session, name: str) -> tuple[ApiClient, str]:
    """Make a client and return it with its key; only the key's hash is stored, so the caller
    must show the key now: it cannot be recovered later."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValueError("the name must be 1 to 120 characters")
    key = secrets.token_urlsafe(32)
    client = ApiClient(name=name, key_hash=hash_api_key(key), active=True)
    session.add(client)
    session.flush()
    return client, key


def authenticate(session: Session, api_key: str | None) -> ApiClient:
    """:raise Open311Error: 401 without a key, 403 for an unknown or deactivated one."""
    if not api_key:
        raise Open311Error(401, N_("An api_key is required to submit a request."))
    client = session.scalar(select(ApiClient).where(ApiClient.key_hash == hash_api_key(api_key)))
    if client is None or not client.active:
        raise Open311Error(403, N_("The api_key is not valid or has been deactivated."))
    return client


# --- services -----------------------------------------------------------------------------


def get_service(code: str) -> Category:
    """:raise Open311Error: 404 for a code that is not in the taxonomy."""
    category = CATEGORY_BY_CODE.get(code)
    if category is None:
        raise Open311Error(404, N_("There is no service with the code %(code)s."), code=code)
    return category


def list_services() -> tuple[Category, ...]:
    return CATEGORIES


def service_attributes() -> list[dict]:
    """The one question every service asks: the safety scale of a walk's observation form."""
    return [
        {
            "variable": True,
            "code": "safety",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": N_("How safe do you feel here?"),
            "values": [{"key": str(value), "name": label} for value, label in SAFETY_SCALE],
        }
    ]


# --- creating requests --------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    """A validated POST: only what is kept. Names and phone numbers never get this far."""

    service_code: str
    lat: float | None
    lon: float | None
    address: str
    description: str
    email: str | None
    safety: int | None
    token: str | None


def find_by_token(session: Session, token: str | None) -> Observation | None:
    if not token:
        return None
    return session.scalar(select(Observation).where(Observation.client_key == TOKEN_PREFIX + token))


def create_request(
    session: Session,
    storage: Storage,
    data: NewRequest,
    photos: Iterable[Upload] = (),
) -> tuple[Observation, bool]:
    """Store a report as an observation without a walk; returns (observation, created).

    A repeated token returns the first observation unchanged, so a client retrying after a
    lost response never makes a duplicate. The e-mail is kept with consent set because Open311
    clients ask for consent themselves before they send an address.
    """
    existing = find_by_token(session, data.token)
    if existing is not None:
        return existing, False
    get_service(data.service_code)
    photos = list(photos)
    observation = Observation(
        walk_id=None,
        participant=None,
        source="open311",
        client_key=TOKEN_PREFIX + data.token if data.token else None,
        category=data.service_code,
        safety=data.safety,
        text=data.description,
        lat=data.lat,
        lon=data.lon,
        location_source="map" if data.lat is not None else None,
        address=data.address,
        reporter_email=data.email,
        email_consent=data.email is not None,
    )
    store_photos(session, storage, photos)
    _attach(observation, photos)
    assign_observation(session, observation)
    session.add(observation)
    session.flush()
    return observation, True


# --- reading requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    """GET requests filters; `ids` set means every other filter is ignored (as the spec says)."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None


def _public():
    """Only reports someone could find on a map or a street are published."""
    return (
        select(Observation)
        .where(or_(Observation.lat.is_not(None), Observation.address != ""))
        .options(
            selectinload(Observation.issue).selectinload(Issue.events),
            selectinload(Observation.issue).selectinload(Issue.administration),
        )
    )


def find_requests(session: Session, query: RequestQuery) -> list[Observation]:
    """Newest first, at most MAX_RESULTS."""
    stmt = _public()
    if query.ids:
        stmt = stmt.where(Observation.id.in_(query.ids))
    else:
        if query.service_codes:
            stmt = stmt.where(Observation.category.in_(query.service_codes))
        if query.start is not None:
            stmt = stmt.where(Observation.created_at >= query.start)
        if query.end is not None:
            stmt = stmt.where(Observation.created_at <= query.end)
        if query.statuses == {"open"}:
            stmt = stmt.outerjoin(Issue, Observation.issue_id == Issue.id).where(
                or_(Observation.issue_id.is_(None), Issue.status.not_in(CLOSED_STATUSES))
            )
        elif query.statuses == {"closed"}:
            stmt = stmt.join(Issue, Observation.issue_id == Issue.id).where(
                Issue.status.in_(CLOSED_STATUSES)
            )
    stmt = stmt.order_by(Observation.created_at.desc(), Observation.id.desc()).limit(MAX_RESULTS)
    return list(session.scalars(stmt))


def get_request(session: Session, request_id: int) -> Observation:
    """:raise Open311Error: 404 for an unknown id or a report without a place."""
    found = find_requests(session, RequestQuery(ids=(request_id,)))
    if not found:
        raise Open311Error(
            404, N_("There is no service request with the id %(id)s."), id=request_id
        )
    return found[0]


def get_by_token(session: Session, token: str) -> Observation:
    """:raise Open311Error: 404 when no request was made with this token."""
    observation = find_by_token(session, token)
    if observation is None:
        raise Open311Error(404, N_("There is no service request with this token."))
    return observation


# --- what the public sees of a request -----------------------------------------------------


def request_status(observation: Observation) -> str:
    """GeoReport's two states: closed once the issue is resolved, rejected or a duplicate."""
    issue = observation.issue
    return "closed" if issue is not None and issue.status in CLOSED_STATUSES else "open"


def status_notes(observation: Observation) -> str:
    """The latest public comment; internal notes never leave the triage pages."""
    issue = observation.issue
    if issue is None:
        return ""
    for event in reversed(issue.events):
        if event.public_comment:
            return event.public_comment
    return ""


def agency_responsible(observation: Observation) -> str:
    issue = observation.issue
    if issue is None or issue.status not in ROUTED_STATUSES or issue.administration is None:
        return ""
    return issue.administration.name


def updated_at(observation: Observation) -> datetime:
    issue = observation.issue
    if issue is None:
        return observation.updated_at
    return max(observation.updated_at, issue.updated_at, issue.status_changed_at)


def expected_at(observation: Observation) -> datetime | None:
    issue = observation.issue
    if issue is None or issue.status in CLOSED_STATUSES:
        return None
    return issue.due_at
