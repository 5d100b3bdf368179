"""The name the TRICARE Online archive is registered under."""

from ..records import RecordSource

__all__ = ["TOL_ARCHIVE"]

TOL_ARCHIVE = RecordSource("TOL_ARCHIVE")
