"""Outgoing mail through a transactional outbox and a worker that delivers it."""
