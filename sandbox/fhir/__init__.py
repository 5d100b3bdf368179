"""An in-memory FHIR R4 server with SMART backend-services auth, standing in for GENESIS and
the community HIE (demo and tests only)."""

from .admin import Faults
from .bulk import BULK_IG, MILLENNIUM, BulkProfile
from .keys import make_client_keypair
from .match import MATCH_GRADE_URL
from .server import FhirServer
from .store import ResourceStore

__all__ = [
    "BULK_IG",
    "MATCH_GRADE_URL",
    "MILLENNIUM",
    "BulkProfile",
    "Faults",
    "FhirServer",
    "ResourceStore",
    "make_client_keypair",
]
