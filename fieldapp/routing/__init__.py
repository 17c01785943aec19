"""Which administration is responsible for a category, optionally within an area."""
