"""MHS GENESIS (Oracle Health Millennium, FHIR R4): reads, and the patient actions' writes."""

from .kinds import GENESIS_KINDS
from .name import GENESIS
from .source import GenesisSource
from .spec import SPEC

__all__ = ["GENESIS", "GENESIS_KINDS", "SPEC", "GenesisSource"]
