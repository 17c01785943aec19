"""Reporter data: retention, access and erasure (GDPR)."""
