"""The TRICARE Online (TOL) portal archive: a read-only PostgreSQL source of legacy records."""

from .name import TOL_ARCHIVE
from .source import TOL_KINDS, TolSource
from .spec import SPEC

__all__ = ["SPEC", "TOL_ARCHIVE", "TOL_KINDS", "TolSource"]
