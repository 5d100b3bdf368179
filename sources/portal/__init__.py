"""The patient-portal port: secure messages, renewal requests, questionnaire assignments and answers,
which MHS GENESIS offers through its patient portal and not through its public FHIR API."""

from .port import PORTAL_KINDS, PatientPortal

__all__ = ["PORTAL_KINDS", "PatientPortal"]
