"""Fixtures shared by the photo tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def queued(app, monkeypatch, tmp_path):
    """Queue mode with an upload directory of this test's own, so its files can be counted."""
    monkeypatch.setitem(app.config, "PHOTO_PROCESSING", "queue")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    app.extensions.pop("fieldapp_storage", None)
    yield app
    app.extensions.pop("fieldapp_storage", None)
