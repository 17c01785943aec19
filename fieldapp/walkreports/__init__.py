"""The walk's follow-up report to its participants ("you said, we did")."""
