"""Security headers on every response: CSP, framing, sniffing, referrer, permissions, HSTS.

The Content-Security-Policy allows scripts and styles only from our own origin: templates hold
no inline code or style attributes (page scripts live in static/js and read their settings
from data- attributes), so an injected <script> or onerror= handler does not run.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

# Pages reached by a secret link (walk, meeting and tracking tokens): the link must not leak to
# other sites through the Referer header, not even its origin.
_TOKEN_ARGS = ("token", "code")


def tile_sources(tile_url: str) -> list[str]:
    """The CSP source for a Leaflet tile URL template: its scheme and host.

    "{s}.tile.example.org" (Leaflet's subdomain placeholder) becomes "*.tile.example.org".
    """
    parts = urlsplit(tile_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = parts.netloc
    if "{" in host:
        labels = host.split(".")
        host = ".".join("*" if "{" in label else label for label in labels)
    return [f"{parts.scheme}://{host}"]


def content_security_policy(app: Flask) -> str:
    images = ["'self'", "data:", "blob:"]
    images += tile_sources(app.config.get("MAP_TILE_URL", ""))
    images += app.config.get("CSP_EXTRA_IMG_SRC", [])
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(dict.fromkeys(v))}" for name, v in directives.items())


def _on_token_page() -> bool:
    args = request.view_args or {}
    return any(name in args for name in _TOKEN_ARGS)


def register(app: Flask) -> None:
    policy = content_security_policy(app)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault(
            "Referrer-Policy",
            "no-referrer" if _on_token_page() else "strict-origin-when-cross-origin",
        )
        headers.setdefault(
            "Permissions-Policy",
            "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()",
        )
        if app.config.get("HTTPS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
