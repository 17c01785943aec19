"""What makes the participant pages an installable, offline-capable web app.

The service worker lives in static/sw.js but is served from /sw.js so that its scope can be the
whole site. This view prepends the list of static files to keep offline and a version derived
from their content: any change to them changes the worker's bytes, the browser installs the new
worker, and it replaces the old cache instead of serving stale files forever.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)

# The app shell for the join, capture and "my observations" pages; photos and tiles stay online.
SHELL = ("css/app.css", "js", "vendor/leaflet", "icons")
SHELL_SUFFIXES = (".css", ".js", ".png", ".svg")
THEME_COLOUR = "#0b5d5b"  # --brand in static/css/app.css
BACKGROUND_COLOUR = "#f2f5f5"  # --bg: the page behind the splash icon


def _shell_files(static: Path) -> list[Path]:
    files: list[Path] = []
    for entry in SHELL:
        path = static / entry
        found = sorted(path.rglob("*")) if path.is_dir() else [path]
        files += [f for f in found if f.is_file() and f.suffix in SHELL_SUFFIXES]
    return files


@lru_cache(maxsize=8)
def _digest(signature: tuple[tuple[str, int, int], ...]) -> str:
    """Content hash of the files in `signature` (path, size, mtime): re-read only when one changes.

    Content, not modification times, so that several servers with the same release agree.
    """
    h = hashlib.sha256()
    for name, _size, _mtime in signature:
        h.update(name.encode())
        h.update(Path(name).read_bytes())
    return h.hexdigest()[:16]


def _version(files: list[Path]) -> str:
    signature = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return _digest(signature)


@bp.get("/sw.js")
def service_worker():
    """The service worker script, served at the root so it may control every walk page."""
    static = Path(current_app.static_folder)
    source = static / "sw.js"
    shell = _shell_files(static)
    urls = [url_for("static", filename=f.relative_to(static).as_posix()) for f in shell]
    preamble = (
        "// Written by fieldapp/capture/pwa_views.py: the cache version and the app shell.\n"
        f"var CACHE_VERSION = {json.dumps(_version([source, *shell]))};\n"
        f"var SHELL = {json.dumps(urls)};\n\n"
    )
    response = current_app.response_class(
        preamble + source.read_text(encoding="utf-8"), mimetype="text/javascript"
    )
    response.headers["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on each visit; no-cache keeps that check honest.
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, in the reader's language so the installed name is theirs."""
    response = jsonify(
        {
            "name": _("fieldapp – safety walk"),
            "short_name": "fieldapp",
            "description": _(
                "Note what feels unsafe on a safety walk – also without a connection."
            ),
            "lang": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {
                    "src": url_for("static", filename=f"icons/app-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in (192, 512)
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
