"""Every model, imported in one place so Alembic and the app see the whole schema."""

from fieldapp.areas.models import Area
from fieldapp.attention.models import DigestSent
from fieldapp.audit.models import AuditEntry
from fieldapp.auth.models import LoginThrottle, User
from fieldapp.capture.models import Observation, Photo
from fieldapp.groups.models import GroupMember, LocalGroup
from fieldapp.media.models import PhotoJob
from fieldapp.meetings.models import Decision, Meeting, MeetingParticipant, Vote
from fieldapp.notify.models import OutboxMessage
from fieldapp.open311.models import ApiClient
from fieldapp.orgs.models import Administration
from fieldapp.plans.models import ActionItem
from fieldapp.routing.models import RoutingRule
from fieldapp.stats.models import CriterionValue, SuccessCriterion
from fieldapp.triage.models import Issue, IssueEvent
from fieldapp.walkreports.models import WalkReport, WalkReportMailing, WalkReportPhoto
from fieldapp.walkrequests.models import WalkRequest
from fieldapp.walks.models import Participant, Walk

__all__ = [
    "ActionItem",
    "AuditEntry",
    "CriterionValue",
    "Decision",
    "DigestSent",
    "GroupMember",
    "LocalGroup",
    "LoginThrottle",
    "Meeting",
    "MeetingParticipant",
    "SuccessCriterion",
    "Vote",
    "Administration",
    "ApiClient",
    "Area",
    "Issue",
    "IssueEvent",
    "Observation",
    "OutboxMessage",
    "PhotoJob",
    "Participant",
    "Photo",
    "RoutingRule",
    "User",
    "Walk",
    "WalkRequest",
    "WalkReport",
    "WalkReportMailing",
    "WalkReportPhoto",
]
