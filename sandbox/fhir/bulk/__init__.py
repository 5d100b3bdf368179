"""FHIR Bulk Data export (`Group/[id]/$export`, `Patient/$export`) with the asynchronous request
pattern, in Millennium's flavour for GENESIS or the plain IG's for the community HIE."""

from .profile import BULK_IG, MILLENNIUM, BulkProfile
from .routes import BulkExport

__all__ = ["BULK_IG", "MILLENNIUM", "BulkExport", "BulkProfile"]
