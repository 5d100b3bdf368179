"""The TOL archive's schema, as versioned SQL files applied by `gateway.store.migrations_runner`."""

__all__: list[str] = []
