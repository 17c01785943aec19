"""Every model, imported in one place so Alembic and the app see the whole schema."""

from fieldapp.auth.models import User
from fieldapp.capture.models import Observation, Photo
from fieldapp.walks.models import Participant, Walk

__all__ = ["Observation", "Participant", "Photo", "User", "Walk"]
