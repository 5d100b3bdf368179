"""The MHS GENESIS source adapter (FHIR R4, read; writes to come)."""

from .kinds import GENESIS_KINDS
from .source import GenesisSource

__all__ = ["GENESIS_KINDS", "GenesisSource"]
