"""The mail fixtures of tests/notify (real SMTP on loopback), for the report tests.

Test folders are not packages (pytest puts each test's own folder on sys.path), so the
shared fixtures are reached through their folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notify"))

from mail_fixtures import mail_config, smtp_server  # noqa: E402
from mail_helpers import BASE_URL, parts  # noqa: E402

__all__ = ["BASE_URL", "mail_config", "parts", "smtp_server"]
