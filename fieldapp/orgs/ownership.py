"""Who owns what: the organisation and the named person behind every walk, issue and action item.

An item always belongs to an organisation (an Administration); the person is optional, and
"no person" is the organisation's unassigned queue. Every change of owner is written to the
audit log (and, for issues, to their own trail), and deactivating a user moves everything
open they own in the caller's transaction, so nothing open is ever left with an inactive owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.audit.services import record
from fieldapp.auth.models import User
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.plans.services import PENDING_STATUSES
from fieldapp.taxonomy import N_
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.triage.workflow import OPEN_STATUSES
from fieldapp.walks.models import Walk

OPEN_WALK_STATUSES = frozenset({"planned", "running"})
MODELS: dict[str, Any] = {"walk": Walk, "issue": Issue, "action_item": ActionItem}
OPEN_STATUSES_BY_KIND: dict[str, frozenset[str]] = {
    "walk": OPEN_WALK_STATUSES,
    "issue": OPEN_STATUSES,
    "action_item": PENDING_STATUSES,
}
KIND_LABELS = {"walk": N_("Walk"), "issue": N_("Issue"), "action_item": N_("Action item")}
_UNCHANGED: Any = object()


class OwnershipError(ValueError):
    """A change of owner the rules refuse; `message` is a msgid, `params` fill it in."""

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


def kind_of(item: object) -> str:
    for kind, model in MODELS.items():
        if isinstance(item, model):
            return kind
    raise TypeError(f"not an ownable item: {item!r}")


def is_open(item: object) -> bool:
    return item.status in OPEN_STATUSES_BY_KIND[kind_of(item)]


def open_clause(kind: str):
    model = MODELS[kind]
    return model.status.in_(sorted(OPEN_STATUSES_BY_KIND[kind]))


def owner_options(session: Session, administration_id: int | None) -> list[User]:
    """Who may own an item of this organisation: its active members. Without an organisation
    (old items), the active coordinators and admins, who work across all of them."""
    stmt = select(User).where(User.active.is_(True))
    if administration_id is None:
        stmt = stmt.where(User.role.in_(("admin", "coordinator")))
    else:
        stmt = stmt.where(User.administration_id == administration_id)
    return list(session.scalars(stmt.order_by(func.lower(User.name), User.id)))


def owners_by_organisation(session: Session) -> list[tuple[Administration, list[User]]]:
    """Every active organisation with its active members, for a grouped owner select."""
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), User.administration_id.is_not(None))
        .order_by(func.lower(User.name), User.id)
    )
    members: dict[int, list[User]] = {}
    for user in users:
        members.setdefault(user.administration_id, []).append(user)
    orgs = session.scalars(
        select(Administration)
        .where(Administration.active.is_(True))
        .order_by(func.lower(Administration.name))
    )
    return [(org, members.get(org.id, [])) for org in orgs]


def check_owner(session: Session, owner_id: int | None, administration_id: int | None) -> None:
    """:raise OwnershipError: the owner is unknown, inactive or outside the organisation."""
    if owner_id is None:
        return
    user = session.get(User, owner_id)
    if user is None or not user.active:
        raise OwnershipError(N_("Choose an active user as the owner."), "owner_id")
    if administration_id is None:
        if not user.can_coordinate:
            raise OwnershipError(
                N_("Without an organisation, only a coordinator can own it."), "owner_id"
            )
    elif user.administration_id != administration_id:
        org = session.get(Administration, administration_id)
        raise OwnershipError(
            N_("%(name)s is not a member of %(org)s. Choose one of its members."),
            "owner_id",
            name=user.name,
            org=org.name if org else "?",
        )


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "—"


def set_owner(
    session: Session,
    item: Walk | Issue | ActionItem,
    owner_id: int | None,
    actor: User | None,
    *,
    administration_id: int | None = _UNCHANGED,
    reason: str = "",
) -> bool:
    """Give `item` to `owner_id` (None: the organisation's unassigned queue), optionally in
    another organisation; records the move. Returns whether anything changed.

    :raise OwnershipError: the owner may not own items of that organisation.
    """
    kind = kind_of(item)
    new_admin = item.administration_id if administration_id is _UNCHANGED else administration_id
    check_owner(session, owner_id, new_admin)
    old_owner, old_admin = item.owner_id, item.administration_id
    if old_owner == owner_id and old_admin == new_admin:
        return False
    item.owner_id = owner_id
    item.administration_id = new_admin
    detail = {
        "from_owner_id": old_owner,
        "to_owner_id": owner_id,
        "from_owner": _name(session, old_owner),
        "to_owner": _name(session, owner_id),
    }
    if old_admin != new_admin:
        detail |= {"from_administration_id": old_admin, "to_administration_id": new_admin}
    if reason:
        detail["reason"] = reason
    session.flush()
    record(session, actor, "owner.changed", kind, item.id, detail)
    if kind == "issue" and old_owner != owner_id:
        note = f"{detail['from_owner']} → {detail['to_owner']}"
        item.events.append(
            IssueEvent(
                kind="owner",
                user_id=getattr(actor, "id", None),
                administration_id=new_admin,
                internal_note=f"{note}\n{reason}" if reason else note,
            )
        )
    return True


def release_foreign_owner(
    session: Session, item: Walk | Issue | ActionItem, actor: User | None, reason: str = ""
) -> bool:
    """After the item moved to another organisation, an owner outside it goes back to the
    new organisation's queue (recorded like any other move)."""
    if item.owner_id is None:
        return False
    try:
        check_owner(session, item.owner_id, item.administration_id)
    except OwnershipError:
        new_admin = item.administration_id
        # set_owner compares with the stored organisation; this move only touches the owner.
        return set_owner(session, item, None, actor, administration_id=new_admin, reason=reason)
    return False


# --- handover ------------------------------------------------------------------------------------


def open_items_owned_by(session: Session, user_id: int) -> dict[str, list]:
    """Every open walk, issue and action item the user owns, oldest first."""
    return {
        kind: list(
            session.scalars(
                select(model).where(model.owner_id == user_id, open_clause(kind)).order_by(model.id)
            )
        )
        for kind, model in MODELS.items()
    }


def count_open_items_owned_by(session: Session, user_id: int) -> int:
    return sum(
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.owner_id == user_id, open_clause(kind))
        )
        or 0
        for kind, model in MODELS.items()
    )


def open_items_with_inactive_owner(session: Session) -> list[tuple[str, int]]:
    """(kind, id) of every open item whose owner cannot log in: must always be empty."""
    found = []
    for kind, model in MODELS.items():
        ids = session.scalars(
            select(model.id)
            .join(User, User.id == model.owner_id)
            .where(User.active.is_(False), open_clause(kind))
            .order_by(model.id)
        )
        found += [(kind, i) for i in ids]
    return found


@dataclass
class Handover:
    user: User
    successor: User | None
    moved: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.moved.values())


def deactivate_user(
    session: Session,
    user: User,
    actor: User | None,
    *,
    successor: User | None = None,
    to_unassigned: bool = False,
    reason: str = "",
) -> Handover:
    """Deactivate `user`, moving every open item they own to `successor` or to each item's
    organisation's unassigned queue. Flushes but does not commit: the caller commits once, so
    either everything moves and the user is deactivated, or nothing changes.

    :raise OwnershipError: open items and neither successor nor unassigned queue named; a
        successor who is inactive, the user themselves, or not a member of an item's organisation.
    """
    if not user.active:
        raise OwnershipError(N_("%(name)s is already deactivated."), "email", name=user.name)
    if successor is not None and to_unassigned:
        raise OwnershipError(
            N_("Choose either a successor or the unassigned queue, not both."), "successor"
        )
    if successor is not None and successor.id == user.id:
        raise OwnershipError(N_("The successor must be someone else."), "successor")
    if successor is not None and not successor.active:
        raise OwnershipError(
            N_("%(name)s is not active and cannot take over."), "successor", name=successor.name
        )
    owned = open_items_owned_by(session, user.id)
    total = sum(len(items) for items in owned.values())
    if total and successor is None and not to_unassigned:
        raise OwnershipError(
            N_(
                "%(name)s still owns %(num)d open items. Name a successor or move them to "
                "the organisation's unassigned queue."
            ),
            "successor",
            name=user.name,
            num=total,
        )
    if successor is not None:
        for items in owned.values():
            for item in items:
                check_owner(session, successor.id, item.administration_id)
    handover = Handover(user=user, successor=successor)
    target = successor.id if successor is not None else None
    for kind, items in owned.items():
        for item in items:
            set_owner(session, item, target, actor, reason=reason)
        handover.moved[kind] = [item.id for item in items]
    user.active = False
    record(
        session,
        actor,
        "user.deactivated",
        "user",
        user.id,
        {
            "email": user.email,
            "successor": successor.email if successor else None,
            "to_unassigned": bool(to_unassigned),
            "moved": handover.moved,
        },
    )
    session.flush()
    left = open_items_with_inactive_owner(session)
    if left:  # The invariant the whole handover exists for; never commit a breach of it.
        raise RuntimeError(f"open items left with an inactive owner: {left}")
    return handover


def organisations_without_active_members(session: Session) -> list[Administration]:
    """Active organisations nobody active can act for: their queue has no one to work it."""
    members = select(User.id).where(
        User.administration_id == Administration.id, User.active.is_(True)
    )
    return list(
        session.scalars(
            select(Administration)
            .where(Administration.active.is_(True), ~members.exists())
            .order_by(func.lower(Administration.name))
        )
    )
