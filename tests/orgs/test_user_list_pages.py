"""The admin's list of accounts a page at a time: deactivated accounts are kept (the audit trail
names them), so the list only grows. Active ones first, by name."""

from __future__ import annotations

import re

import pytest
from conftest import english

from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.orgs.services import USERS_PER_PAGE


@pytest.fixture
def admin_client(client, auth):
    english(client)
    auth.login("admin")
    return client


def names(html: str) -> list[str]:
    return [n.strip() for n in re.findall(r'<th scope="row">\s*([^<\n]+)', html)]


def test_users_are_paged_active_first_by_name(admin_client) -> None:
    db.session.add_all(
        User(
            email=f"u{i:03d}@example.dk",
            name=f"Bruger {i:03d}",
            role="staff",
            password_hash="!",
            active=i % 10 != 0,
        )
        for i in range(USERS_PER_PAGE + 5)
    )
    db.session.commit()
    total = db.session.query(User).count()
    first = admin_client.get("/admin/users/").get_data(as_text=True)
    assert 'aria-label="Pages of users"' in first and "Page 1 of 2" in first
    assert 'href="/admin/users/?page=2"' in first
    second = admin_client.get("/admin/users/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'href="/admin/users/"' in second
    seen = names(first) + names(second)
    assert len(seen) == total == len(set(seen))
    inactive = [f"Bruger {i:03d}" for i in range(0, USERS_PER_PAGE + 5, 10)]
    assert seen[-len(inactive) :] == inactive  # the deactivated ones at the end
    assert admin_client.get("/admin/users/?page=x").status_code == 400
