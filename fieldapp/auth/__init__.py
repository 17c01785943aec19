"""Staff accounts: login, roles and permission helpers."""
