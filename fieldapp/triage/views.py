"""Coordinators triage observations into issues; administrations work their queue."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/triage")
