"""sources/genesis."""
