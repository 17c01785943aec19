"""Walk requests: anyone can ask for a safety walk; coordinators accept or decline."""
