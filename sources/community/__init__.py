"""Community providers (FHIR R4 / US Core behind an HIE, read-only; `Patient/$match` for linking)."""

from .name import COMMUNITY
from .source import COMMUNITY_KINDS, CommunitySource
from .spec import SPEC

__all__ = ["COMMUNITY", "COMMUNITY_KINDS", "SPEC", "CommunitySource"]
