"""The test suite (a package, so `tests.support` imports from anywhere)."""
