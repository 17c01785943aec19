"""The demo's follow-up report: the Løvvangen walk's "you said, we did", published.

A coordinator opening the demo sees what the participants got: what was found, where it went,
what is done, what is planned and what was declined, and the public link to share.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fieldapp.walkreports.models import WalkReport
from fieldapp.walkreports.services import publish_report
from fieldapp.walks.models import Walk

INTRODUCTION = (
    "Tak til alle, der gik med på tryghedsvandringen i Løvvangen: beboere, "
    "afdelingsbestyrelsen, Nordjyllands Politi, Beredskabscenter Nordjylland og Aalborg "
    "Kommune.\n\n"
    "Her kan I se, hvad vi fandt sammen, hvem der har fået opgaverne, hvad der allerede er "
    "gjort, og hvad der ikke bliver gjort – og hvorfor. Vi opdaterer rapporten, når der sker "
    "noget nyt."
)


def seed_demo_reports(session: Session, walk: Walk, now: datetime) -> WalkReport:
    """Publish the closed walk's report as it would be a couple of weeks after the walk.

    No mail is sent: the demo participants left no addresses.
    """
    result = publish_report(session, walk, introduction=INTRODUCTION, now=now - timedelta(days=10))
    return result.report
