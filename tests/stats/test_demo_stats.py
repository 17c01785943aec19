"""The demo criteria load on top of the demo data and read as the documents describe."""

from __future__ import annotations

from datetime import date

from stats_fixtures import login, make_user

from fieldapp.demo import seed_demo
from fieldapp.demo_stats import seed_demo_stats
from fieldapp.extensions import db
from fieldapp.stats.models import SuccessCriterion
from fieldapp.stats.progress import criterion_results


def test_demo_criteria_for_lovvangen(client, app) -> None:
    seed_demo(db.session)
    seed_demo_stats(db.session)  # a no-op if seed_demo already did it
    db.session.commit()
    assert seed_demo_stats(db.session) == {}  # never twice
    assert db.session.query(SuccessCriterion).count() == 9

    def results(title_start: str):
        c = (
            db.session.query(SuccessCriterion)
            .filter(SuccessCriterion.title.startswith(title_start))
            .one()
        )
        return {r.year: r.status for r in criterion_results(db.session, c, date(2026, 11, 25))}

    assert results("Mindst 3 tryghedsskabende")[2024] == "achieved"
    assert results("Tryghedsvandringer")[2025] == "missed"  # one walk, as in 2017
    index = results("Politiets tryghedsindeks")
    # 62.4 (2024), 64.1 (2nd half of 2025), 65.2 (1st half of 2026) against 66.3.
    assert (index[2024], index[2025], index[2026]) == ("missed", "missed", "at_risk")

    login(client, make_user("coordinator", "k@example.dk"))
    area_id = (
        db.session.query(SuccessCriterion.area_id)
        .filter(SuccessCriterion.area_id.is_not(None))
        .first()[0]
    )
    assert client.get(f"/stats/area/{area_id}").status_code == 200
    assert client.get("/stats/").status_code == 200


def test_demo_stats_need_the_demo_area(app) -> None:
    assert seed_demo_stats(db.session) == {}
