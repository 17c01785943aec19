"""Exports: observations and issues as CSV and GeoJSON, and the yearly area report (HTML/PDF)."""
