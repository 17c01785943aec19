"""An append-only log of who did what to which object, for accountability beyond one record type."""
