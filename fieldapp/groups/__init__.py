"""Local groups (lokalgrupper / følgegrupper) and their members."""
