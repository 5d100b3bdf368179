"""sources/tol."""
