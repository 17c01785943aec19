"""Front page, language choice and health check."""
