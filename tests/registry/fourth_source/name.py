"""The name the VA facility is registered under."""

from ..records import RecordSource

__all__ = ["VA"]

VA = RecordSource("VA")
