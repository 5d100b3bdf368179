"""The community providers source adapter (FHIR R4 / US Core, read-only, `Patient/$match`)."""

from .source import COMMUNITY_KINDS, CommunitySource

__all__ = ["COMMUNITY_KINDS", "CommunitySource"]
