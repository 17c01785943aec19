"""The row builders of tests/stats/stats_fixtures.py, for the export and report tests.

Test folders are not packages (pytest puts each test's own folder on sys.path), so the
shared builders are reached through their folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))

import stats_fixtures  # noqa: E402

__all__ = ["stats_fixtures"]
