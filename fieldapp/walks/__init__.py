"""Safety walks: planning, QR codes and posters, joining as a pseudonymous participant."""
