"""Every model, imported in one place so Alembic and the app see the whole schema."""

from fieldapp.areas.models import Area
from fieldapp.auth.models import User
from fieldapp.capture.models import Observation, Photo
from fieldapp.notify.models import OutboxMessage
from fieldapp.open311.models import ApiClient
from fieldapp.orgs.models import Administration
from fieldapp.routing.models import RoutingRule
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walks.models import Participant, Walk

__all__ = [
    "Administration",
    "ApiClient",
    "Area",
    "Issue",
    "IssueEvent",
    "Observation",
    "OutboxMessage",
    "Participant",
    "Photo",
    "RoutingRule",
    "User",
    "Walk",
]
