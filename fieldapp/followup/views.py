"""Public tracking pages for reporters, by tracking code."""

from flask import Blueprint

bp = Blueprint("followup", __name__)
