"""MHS GENESIS's patient-portal service behind the PatientPortal port (docs/portal.md)."""

from .config import PORTAL_SCOPE, PortalConfig, read_portal_settings
from .service import GenesisPortal

__all__ = ["PORTAL_SCOPE", "GenesisPortal", "PortalConfig", "read_portal_settings"]
