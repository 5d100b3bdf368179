"""An in-memory FHIR R4 server with SMART backend-services auth, standing in for GENESIS and
the community HIE (demo and tests only)."""

from .admin import Faults
from .keys import make_client_keypair
from .match import MATCH_GRADE_URL
from .server import FhirServer
from .store import ResourceStore

__all__ = ["MATCH_GRADE_URL", "Faults", "FhirServer", "ResourceStore", "make_client_keypair"]
