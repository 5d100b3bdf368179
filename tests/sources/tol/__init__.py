"""Tests of sources/tol."""
