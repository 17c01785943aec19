"""From observations to issues owned by an administration, with a status workflow."""
