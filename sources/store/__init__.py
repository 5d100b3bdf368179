"""sources/store."""
