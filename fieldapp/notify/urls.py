"""Absolute links for e-mails and QR codes, which leave the browser and need a full address."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

# The triage blueprint's issue page; mails link here whatever its endpoint is called.
ISSUE_PATH = "/triage/issues/{id}"


def base_url() -> str:
    """PUBLIC_BASE_URL when set (behind a proxy the request host may be internal), else the
    host of the current request; outside a request, a localhost fallback with a warning."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    current_app.logger.warning("PUBLIC_BASE_URL is not set; links in e-mails point at localhost")
    return "http://localhost:5000"


def path_for(endpoint: str, **values) -> str:
    """url_for's path, also outside a request (the mail worker, CLI commands)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(endpoint: str, **values) -> str:
    return base_url() + path_for(endpoint, **values)


def issue_url(issue_id: int) -> str:
    return base_url() + ISSUE_PATH.format(id=issue_id)
