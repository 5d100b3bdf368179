"""The TOL archive's schema, as versioned SQL files applied by `sources.migrate`."""

__all__: list[str] = []
