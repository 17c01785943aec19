"""Administrations and the staff accounts bound to them: the rules the admin pages enforce.

Plain functions on a session. Error messages are English message ids with named placeholders
(the view translates them), so the same rules serve the admin pages, the CLI and the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.audit.services import record
from fieldapp.auth.models import ROLES, User
from fieldapp.auth.services import create_user, find_user, password_problem
from fieldapp.orgs.models import ADMINISTRATION_KIND_LABELS, Administration
from fieldapp.paging import Page, paginate
from fieldapp.plans.models import ActionItem
from fieldapp.routing.models import RoutingRule
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import OPEN_STATUSES
from fieldapp.walks.models import Walk

ROLE_LABELS: dict[str, str] = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator"),
    "staff": N_("Administration staff"),
}


class OrgError(ValueError):
    """Bad input for an administration or account; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


# --- administrations ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[,;\s]+")


def parse_emails(text: str | None) -> list[str]:
    """Split a list typed by hand (commas, semicolons or new lines) into checked addresses.

    :raise OrgError: naming the first address that is not valid, so the admin can find it.
    """
    addresses: list[str] = []
    for raw in _SEPARATORS.split(text or ""):
        if not raw:
            continue
        try:
            address = validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise OrgError(
                N_("“%(address)s” is not a valid e-mail address."), "emails", address=raw
            ) from exc
        if address.lower() not in (a.lower() for a in addresses):
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class AdministrationRow:
    administration: Administration
    open_issues: int
    staff: int
    rules: int


def list_administrations(session: Session) -> list[AdministrationRow]:
    """Every administration, active first, with what depends on it."""

    def counts(stmt) -> dict[int, int]:
        return dict(session.execute(stmt).all())

    open_issues = counts(
        select(Issue.administration_id, func.count())
        .where(Issue.status.in_(OPEN_STATUSES))
        .group_by(Issue.administration_id)
    )
    staff = counts(
        select(User.administration_id, func.count())
        .where(User.role == "staff", User.active.is_(True))
        .group_by(User.administration_id)
    )
    rules = counts(
        select(RoutingRule.administration_id, func.count()).group_by(RoutingRule.administration_id)
    )
    admins = session.scalars(
        select(Administration).order_by(
            Administration.active.desc(), func.lower(Administration.name)
        )
    )
    return [
        AdministrationRow(a, open_issues.get(a.id, 0), staff.get(a.id, 0), rules.get(a.id, 0))
        for a in admins
    ]


def administration_options(session: Session, keep_id: int | None = None) -> list[Administration]:
    """Active administrations for a select, plus `keep_id` if inactive so a form can show it."""
    stmt = select(Administration).order_by(func.lower(Administration.name))
    return [a for a in session.scalars(stmt) if a.active or a.id == keep_id]


def save_administration(
    session: Session,
    administration: Administration | None,
    *,
    name: str,
    short_name: str = "",
    kind: str = "municipality",
    emails: str = "",
    description: str = "",
    active: bool = True,
) -> Administration:
    """Create (administration=None) or update one.

    :raise OrgError: no name, a name already used, an unknown kind or a bad e-mail address.
    """
    name = (name or "").strip()
    if not name:
        raise OrgError(N_("Enter the administration's name."), "name")
    # The exact name too: SQLite's lower() folds ASCII only, so "Ò" would slip past the
    # case-insensitive check and hit the unique constraint.
    taken = select(Administration.id).where(
        or_(Administration.name == name, func.lower(Administration.name) == name.lower())
    )
    if administration is not None and administration.id is not None:
        taken = taken.where(Administration.id != administration.id)
    if session.scalar(taken) is not None:
        raise OrgError(N_("An administration called “%(name)s” already exists."), "name", name=name)
    if kind not in ADMINISTRATION_KIND_LABELS:
        raise OrgError(N_("Choose a kind from the list."), "kind")
    addresses = parse_emails(emails)
    if administration is None:
        administration = Administration()
        session.add(administration)
    administration.name = name
    administration.short_name = (short_name or "").strip()
    administration.kind = kind
    administration.emails = ", ".join(addresses)
    administration.description = (description or "").strip()
    administration.active = bool(active)
    session.flush()
    return administration


def is_referenced(session: Session, administration: Administration) -> bool:
    """Whether issues, their history, walks it organises, action items it owns or accounts
    point at it, so deleting would lose the trail of who answers for what."""
    aid = administration.id
    for stmt in (
        select(Issue.id).where(Issue.administration_id == aid),
        select(IssueEvent.id).where(IssueEvent.administration_id == aid),
        select(Walk.id).where(Walk.administration_id == aid),
        select(ActionItem.id).where(ActionItem.administration_id == aid),
        select(User.id).where(User.administration_id == aid),
    ):
        if session.scalar(stmt.limit(1)) is not None:
            return True
    return False


def remove_administration(session: Session, administration: Administration) -> str:
    """Delete an unused administration; one with issues, history, walks, action items or staff
    is deactivated.

    Issues belong to an administration, not a person, so their trail must keep its owner.
    :return: "deleted" or "deactivated".
    """
    if is_referenced(session, administration):
        administration.active = False
        session.flush()
        return "deactivated"
    # Its routing rules go with it (ON DELETE CASCADE, said here too for the ORM's session).
    session.execute(
        RoutingRule.__table__.delete().where(RoutingRule.administration_id == administration.id)
    )
    session.delete(administration)
    session.flush()
    return "deleted"


# --- staff accounts ----------------------------------------------------------------------------


USERS_PER_PAGE = 50


def users_page(session: Session, number: int = 1, per_page: int = USERS_PER_PAGE) -> Page:
    """Active accounts first, by name; a page at a time, as deactivated accounts are kept (the
    audit trail names them) and only add up."""
    query = (
        select(User)
        .options(selectinload(User.administration))
        .order_by(User.active.desc(), func.lower(User.name), User.id)
    )
    return paginate(session, query, number, per_page)


def _administration_for(
    session: Session, role: str, administration_id: int | None, current_id: int | None = None
) -> int | None:
    """Staff need an administration (an active one, unless it is the one they already have);
    admins and coordinators work across all of them but may belong to one, so they can own
    its items (a coordinator employed by the municipality unit, say)."""
    if role not in ROLES:
        raise OrgError(N_("Choose a role from the list."), "role")
    if administration_id is None:
        if role != "staff":
            return None
        raise OrgError(
            N_("Staff users must belong to an administration. Choose one."), "administration_id"
        )
    administration = session.get(Administration, administration_id)
    if administration is None or (not administration.active and administration_id != current_id):
        raise OrgError(N_("Choose an active administration from the list."), "administration_id")
    return administration_id


def create_account(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    administration_id: int | None = None,
) -> User:
    """A new account through auth.services.create_user, bound to an administration for staff.

    :raise OrgError: e-mail in use or invalid, short password, staff without an administration.
    """
    if find_user(session, email or "") is not None:
        raise OrgError(
            N_("A user with the e-mail %(email)s already exists."), "email", email=email.strip()
        )
    problem = password_problem(password or "", email or "")
    if problem is not None:
        raise OrgError(problem[0], "password", **problem[1])
    bound_to = _administration_for(session, role, administration_id)
    try:
        validate_email(email or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise OrgError(N_("Not a valid e-mail address."), "email") from exc
    user = create_user(session, email, name, password, role)
    user.administration_id = bound_to
    session.flush()
    return user


def update_account(
    session: Session,
    user: User,
    *,
    role: str,
    administration_id: int | None,
    active: bool,
    acting_user: User | None = None,
    new_password: str | None = None,
) -> User:
    """Change role, administration, active flag and optionally the password.

    :raise OrgError: the rules of create_account, and an admin cannot demote or deactivate
        themselves (there is always one admin left who can undo a mistake).
    """
    if acting_user is not None and acting_user.id == user.id and (role != "admin" or not active):
        raise OrgError(
            N_("You cannot remove your own admin access or deactivate yourself."), "role"
        )
    bound_to = _administration_for(session, role, administration_id, user.administration_id)
    from fieldapp.orgs.ownership import count_open_items_owned_by

    if user.active and bound_to != user.administration_id:
        owned = count_open_items_owned_by(session, user.id)
        if owned:
            # Their items would be owned by someone outside the items' organisation.
            raise OrgError(
                N_(
                    "%(name)s owns %(num)d open items of their present organisation. Hand "
                    "them over first (“Deactivate with handover”, or on each item's page)."
                ),
                "administration_id",
                name=user.name,
                num=owned,
            )
    if user.active and not active:
        owned = count_open_items_owned_by(session, user.id)
        if owned:
            raise OrgError(
                N_(
                    "%(name)s still owns %(num)d open items. Use “Deactivate with handover” "
                    "to move them first."
                ),
                "active",
                name=user.name,
                num=owned,
            )
        record(session, acting_user, "user.deactivated", "user", user.id, {"email": user.email})
    if new_password:
        problem = password_problem(new_password, user.email)
        if problem is not None:
            raise OrgError(problem[0], "new_password", **problem[1])
        user.set_password(new_password)
    user.role = role
    user.administration_id = bound_to
    user.active = bool(active)
    session.flush()
    return user
