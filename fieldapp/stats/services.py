"""Look-ups the criterion forms need (plain functions on a session)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.areas.models import Area
from fieldapp.plans.models import ActionItem

LABEL_CHARS = 90


def action_item_choices(session: Session) -> list[tuple[int, str]]:
    """Every action item as (id, "Area: description"), for linking a milestone."""
    rows = session.execute(
        select(ActionItem.id, ActionItem.description, Area.name)
        .outerjoin(Area, Area.id == ActionItem.area_id)
        .order_by(Area.name, ActionItem.deadline, ActionItem.id)
    ).all()
    choices = []
    for item_id, description, area in rows:
        text = description if len(description) <= LABEL_CHARS else description[:89] + "…"
        choices.append((item_id, f"{area}: {text}" if area else text))
    return choices
