"""The triage blueprint, alone, so every triage view module can import it without cycles."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/triage")
