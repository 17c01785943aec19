"""Look-ups the criterion forms need (plain functions on a session)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.plans.models import ActionItem

LABEL_CHARS = 90


def action_item_choices(session: Session, area_id: int | None = None) -> list[tuple[int, str]]:
    """Action items as (id, "Area: description"), for linking a milestone: only the area's own
    plan when an area is chosen (a milestone of Løvvangen is not reached by Vejgård's item), every
    item for a whole-municipality criterion."""
    query = (
        select(ActionItem.id, ActionItem.description, Area.name)
        .outerjoin(Area, Area.id == ActionItem.area_id)
        .order_by(Area.name, ActionItem.deadline, ActionItem.id)
    )
    if area_id is not None:
        query = query.where(ActionItem.area_id == area_id)
    rows = session.execute(query).all()
    choices = []
    for item_id, description, area in rows:
        text = description if len(description) <= LABEL_CHARS else description[:89] + "…"
        choices.append((item_id, f"{area}: {text}" if area else text))
    return choices


def action_item_area(session: Session, item_id: int) -> tuple[bool, int | None]:
    """(whether the item exists, its area id) — to tell a stale pick from another area's item."""
    row = session.execute(select(ActionItem.area_id).where(ActionItem.id == item_id)).first()
    return (row is not None, row[0] if row else None)
