"""sources/community."""
