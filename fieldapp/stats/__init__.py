"""Success criteria, dashboards and analyses."""
