"""The name MHS GENESIS is registered under (`RecordSource` value, GraphQL enum value)."""

from ..records import RecordSource

__all__ = ["GENESIS"]

GENESIS = RecordSource("GENESIS")
