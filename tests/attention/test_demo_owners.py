"""The demo shows owners and a few items that need attention."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.attention.services import group_counts
from fieldapp.auth.services import find_user
from fieldapp.db import utcnow
from fieldapp.demo import seed_demo
from fieldapp.extensions import db
from fieldapp.orgs.ownership import open_items_with_inactive_owner
from fieldapp.triage.models import Issue
from fieldapp.walks.models import Walk


def test_demo_has_organisations_owners_and_needs_attention_items(app, client) -> None:
    seed_demo(db.session)
    db.session.commit()
    walks = db.session.scalars(select(Walk)).all()
    assert walks and all(w.administration_id for w in walks)
    assert any(w.owner_id for w in walks) and any(w.owner_id is None for w in walks)
    staff = find_user(db.session, "drift@fieldapp.dk")
    assert db.session.scalars(select(Issue).where(Issue.owner_id == staff.id)).first()
    counts = group_counts(db.session, None, utcnow())
    assert counts["unowned"] and counts["overdue"] and counts["stale"]
    assert open_items_with_inactive_owner(db.session) == []

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/login", data={"email": "koordinator@fieldapp.dk", "password": "tryg-demo-2026"})
    page = client.get("/attention/").get_data(as_text=True)
    assert "Tryghedsvandring på Bredgade Torv" in page  # the planned walk has no owner yet
    walk_page = client.get(f"/walks/{walks[0].id}").get_data(as_text=True)
    assert "By- og Landskabsforvaltningen" in walk_page
