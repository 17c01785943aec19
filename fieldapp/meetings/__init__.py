"""Dialogue meetings: presenter view, votes on findings, decisions and minutes."""
