"""Proof that a fourth source is one package and one registry entry (tests/registry/)."""
