"""Who is responsible: category × area → administration.

The most specific rule wins: a rule for the given area, then for each area that covers the
point from the smallest outwards (a square inside a district), then the category's default
rule (no area). A rule that points at an inactive administration is passed over, so
deactivating an administration makes routing fall back instead of sending work nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from fieldapp.areas.models import Area
from fieldapp.areas.services import areas_containing, list_areas
from fieldapp.orgs.models import Administration
from fieldapp.routing.models import RoutingRule
from fieldapp.taxonomy import CATEGORIES, CATEGORY_BY_CODE, Category

# (category code, area id or None for the default) → administration id or None for no rule
Assignments = Mapping[tuple[str, int | None], int | None]


class RoutingError(ValueError):
    pass


def _candidate_areas(
    session: Session, lat: float | None, lon: float | None, area_id: int | None
) -> list[int]:
    ids: list[int] = []
    if area_id is not None:
        ids.append(area_id)
    if lat is not None and lon is not None:
        ids.extend(a.id for a in areas_containing(session, lat, lon) if a.id not in ids)
    return ids


def resolve_rule(
    session: Session,
    category: str,
    lat: float | None = None,
    lon: float | None = None,
    area_id: int | None = None,
) -> RoutingRule | None:
    """The rule that decides who owns an issue of `category` here, or None when none applies.

    Useful where the reason matters ("preselected by the rule for Løvvangen").
    """
    areas = _candidate_areas(session, lat, lon, area_id)
    rules = session.scalars(
        select(RoutingRule)
        .join(RoutingRule.administration)
        .options(joinedload(RoutingRule.administration), joinedload(RoutingRule.area))
        .where(RoutingRule.category == category, Administration.active.is_(True))
        .where(RoutingRule.area_id.is_(None) | RoutingRule.area_id.in_(areas or [-1]))
    ).all()
    by_area = {rule.area_id: rule for rule in rules}
    for candidate in [*areas, None]:
        if candidate in by_area:
            return by_area[candidate]
    return None


def resolve_administration(
    session: Session,
    category: str,
    lat: float | None = None,
    lon: float | None = None,
    area_id: int | None = None,
) -> Administration | None:
    """The active administration responsible for `category` at this point or in this area."""
    rule = resolve_rule(session, category, lat=lat, lon=lon, area_id=area_id)
    return rule.administration if rule else None


@dataclass(frozen=True)
class RulesRow:
    category: Category
    # area id (None = default) → administration id, only where a rule exists
    cells: dict[int | None, int]


@dataclass(frozen=True)
class RulesTable:
    areas: list[Area]
    rows: list[RulesRow]

    @property
    def columns(self) -> list[Area | None]:
        """None first (the default column), then every area by name."""
        return [None, *self.areas]


def rules_table(session: Session) -> RulesTable:
    """Every category × (default, each area) with the administration chosen, for the admin page.

    Rules for categories no longer in the taxonomy are left out rather than shown as codes.
    """
    cells: dict[str, dict[int | None, int]] = {c.code: {} for c in CATEGORIES}
    for rule in session.scalars(select(RoutingRule)):
        if rule.category in cells:
            cells[rule.category][rule.area_id] = rule.administration_id
    return RulesTable(
        areas=list_areas(session),
        rows=[RulesRow(c, cells[c.code]) for c in CATEGORIES],
    )


def save_rules(session: Session, assignments: Assignments) -> dict[str, int]:
    """Make the stored rules match `assignments`; cells not mentioned stay as they are.

    :raise RoutingError: an unknown category, area or administration (a tampered form).
    :return: how many rules were created, changed and deleted.
    """
    area_ids = set(session.scalars(select(Area.id)))
    admin_ids = set(session.scalars(select(Administration.id)))
    for (category, area_id), admin_id in assignments.items():
        if category not in CATEGORY_BY_CODE:
            raise RoutingError(f"unknown category {category!r}")
        if area_id is not None and area_id not in area_ids:
            raise RoutingError(f"unknown area {area_id!r}")
        if admin_id is not None and admin_id not in admin_ids:
            raise RoutingError(f"unknown administration {admin_id!r}")

    existing = {(r.category, r.area_id): r for r in session.scalars(select(RoutingRule))}
    counts = {"created": 0, "changed": 0, "deleted": 0}
    for key, admin_id in assignments.items():
        rule = existing.get(key)
        if admin_id is None:
            if rule is not None:
                session.delete(rule)
                counts["deleted"] += 1
        elif rule is None:
            session.add(RoutingRule(category=key[0], area_id=key[1], administration_id=admin_id))
            counts["created"] += 1
        elif rule.administration_id != admin_id:
            rule.administration_id = admin_id
            counts["changed"] += 1
    session.flush()
    return counts


def rule_counts_by_area(session: Session) -> dict[int, int]:
    """How many rules each area has, for the area list (deleting an area deletes them)."""
    stmt = (
        select(RoutingRule.area_id, func.count())
        .where(RoutingRule.area_id.is_not(None))
        .group_by(RoutingRule.area_id)
    )
    return dict(session.execute(stmt).all())
