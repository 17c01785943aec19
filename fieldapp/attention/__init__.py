"""Needs attention: what is unowned, overdue or stale, per organisation and per owner."""
