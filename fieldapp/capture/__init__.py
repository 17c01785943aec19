"""Observations logged on a walk: the phone form, photos, and "my observations"."""
