"""Administrations that own issues, and their contacts."""
