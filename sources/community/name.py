"""The name the community providers' HIE is registered under."""

from ..records import RecordSource

__all__ = ["COMMUNITY"]

COMMUNITY = RecordSource("COMMUNITY")
