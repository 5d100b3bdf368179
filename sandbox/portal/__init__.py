"""The MHS GENESIS patient-portal services (secure messages, renewal requests, questionnaire
assignments), which the public Millennium FHIR API does not offer: served by the GENESIS sandbox
under `/portal/v1` (`FhirServer(..., parts=(PortalService(...),))`; docs/portal.md)."""

from .data import PORTAL_TYPES, portal_resources
from .features import FEATURES, PORTAL_SCOPES
from .service import KEY_SYSTEM, PORTAL_PREFIX, PortalService

__all__ = ["FEATURES", "KEY_SYSTEM", "PORTAL_PREFIX", "PORTAL_SCOPES", "PORTAL_TYPES", "PortalService",
           "portal_resources"]
