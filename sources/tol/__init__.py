"""The TRICARE Online (TOL) portal archive: a read-only PostgreSQL source of legacy records."""

from .source import TolSource

__all__ = ["TolSource"]
