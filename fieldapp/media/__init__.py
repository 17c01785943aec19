"""Photos: validation, re-encoding and storage."""
