"""The area's action plan (handleplan): action items with owners and deadlines."""
