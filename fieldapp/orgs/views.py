"""Admin pages for administrations, staff users and routing rules."""

from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/admin")
