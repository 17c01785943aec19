"""Settings from the environment, with safe defaults for a single-machine install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _load_or_create_secret(instance_path: Path) -> str:
    """Return the persisted secret key, generating one on first run.

    A hard-coded fallback would let anyone forge session cookies, and a fresh random key per
    process would log everyone out on restart and break several gunicorn workers.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'fieldapp.sqlite'}"
    # Heroku-style URLs and plain "postgresql://" should use the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping; every value can be overridden by create_app(config)."""
    upload_dir = os.environ.get("UPLOAD_DIR") or str(instance_path / "uploads")
    max_mb = int(os.environ.get("MAX_UPLOAD_MB", "40"))
    # Served over HTTPS (the Docker image says so): secure cookies and HSTS. The older
    # SESSION_COOKIE_SECURE variable means the same.
    https = _flag("HTTPS") or _flag("SESSION_COOKIE_SECURE")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _load_or_create_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_DIR": upload_dir,
        # An S3-compatible bucket instead of UPLOAD_DIR (several machines, one store): see
        # docs/deployment.md section 3. Credentials come from boto3's standard variables
        # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or an instance role, never from here.
        "UPLOAD_BUCKET": os.environ.get("UPLOAD_BUCKET", "").strip(),
        "UPLOAD_BUCKET_PREFIX": os.environ.get("UPLOAD_BUCKET_PREFIX", "").strip(),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", "").strip(),
        "S3_REGION": os.environ.get("S3_REGION", "").strip(),
        # Whole request body; several camera photos plus the form.
        "MAX_CONTENT_LENGTH": max_mb * 1024 * 1024,
        "MAX_PHOTO_BYTES": int(os.environ.get("MAX_PHOTO_MB", "15")) * 1024 * 1024,
        "MAX_PHOTOS_PER_OBSERVATION": int(os.environ.get("MAX_PHOTOS_PER_OBSERVATION", "6")),
        # Unblurred originals are for triage staff only, and only this long (purge-originals).
        "ORIGINAL_PHOTO_RETENTION_DAYS": int(os.environ.get("ORIGINAL_PHOTO_RETENTION_DAYS", "90")),
        # "queue": the request stores the checked upload and the worker (`flask worker`) makes
        # the renditions; "inline": all in the request (no worker needed, slower submissions).
        "PHOTO_PROCESSING": _choice("PHOTO_PROCESSING", ("queue", "inline")),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Copenhagen"),
        "LANGUAGES": ["da", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 90,
        # Send the session cookie back only when a request changed it. Re-sending it on every
        # answer let a slow answer (a static file the service worker fetched) overwrite the
        # cookie a join had set a moment before, which sent the phone back to the join page.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Reverse proxies in front that set X-Forwarded-* (docs/deployment.md); 0 = none.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAP_TILE_URL": os.environ.get(
            "MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        ),
        # More image hosts for the Content-Security-Policy (the MAP_TILE_URL host is allowed).
        "CSP_EXTRA_IMG_SRC": os.environ.get("CSP_EXTRA_IMG_SRC", "").split(),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "WTF_CSRF_TIME_LIMIT": None,
        # werkzeug's generate_password_hash method; the tests set a cheap one, nothing else should.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Reporter e-mails, participant names and member contacts are anonymised after this
        # many months by `flask apply-retention` (run daily from cron).
        "REPORTER_DATA_RETENTION_MONTHS": int(
            os.environ.get("REPORTER_DATA_RETENTION_MONTHS", "12")
        ),
        **_mail_settings(),
    }


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """The variable's value, one of `allowed` (the first is the default); a typo stops start-up."""
    value = os.environ.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise RuntimeError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def _mail_settings() -> dict:
    """SMTP for the mail worker. Without MAIL_SERVER the worker prints mail instead of sending.

    MAIL_USE_TLS means STARTTLS on a plain connection (port 587); MAIL_USE_SSL means implicit
    TLS from the first byte (port 465).
    """
    use_ssl = _flag("MAIL_USE_SSL")
    use_tls = _flag("MAIL_USE_TLS") or _flag("MAIL_USE_STARTTLS")
    default_port = "465" if use_ssl else "587" if use_tls else "25"
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or default_port),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "fieldapp <noreply@localhost>"
        ),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "15")),
        # Delivered mail (with its recipient address) is deleted after this many days.
        "MAIL_KEEP_SENT_DAYS": int(os.environ.get("MAIL_KEEP_SENT_DAYS", "30")),
    }
