"""Reporters follow their observation by tracking code, without an account."""
