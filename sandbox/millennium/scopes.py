"""The Millennium token endpoint's policy: named SMART v1 `system/` scopes only, RS384/ES384 assertions.

authorization.md, Supported Scopes: "Wildcard Scopes are currently **not supported** ... An
application is currently required to specifically request each scope that it needs to run."
The scopes and algorithms are those of r4.md (Authorization) and the well-known SMART
configuration (foundation/conformance/capability-statement.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.fhir.auth import OAuthError, TokenPolicy

__all__ = ["ALGORITHMS", "SYSTEM_SCOPES", "TOKEN_POLICY", "grant_scopes"]

ALGORITHMS = ("RS384", "ES384")


def _names(text: str) -> list[str]:
    return text.split()


_READ = _names(
    "Account AllergyIntolerance Appointment Binary CarePlan CareTeam ChargeItem Communication Condition Consent "
    "Coverage Device DiagnosticReport DocumentReference Encounter FamilyMemberHistory Goal Immunization "
    "InsurancePlan Location MedicationAdministration MedicationRequest NutritionOrder Observation Organization "
    "Patient Person Practitioner Procedure Provenance Questionnaire QuestionnaireResponse RelatedPerson Schedule "
    "ServiceRequest Slot"
)
_WRITE = _names(
    "AllergyIntolerance Appointment Basic ChargeItem Communication Condition Coverage DocumentReference Encounter "
    "FamilyMemberHistory FinancialTransaction Immunization MedicationRequest Observation Organization Patient "
    "Practitioner Procedure Provenance QuestionnaireResponse RelatedPerson Slot"
)
SYSTEM_SCOPES = tuple(sorted([f"system/{t}.read" for t in _READ] + [f"system/{t}.write" for t in _WRITE]))
_SUPPORTED = frozenset(SYSTEM_SCOPES)
TOKEN_LIFETIME = 570  # seconds, as the token responses in authorization.md show


def grant_scopes(requested: Sequence[str]) -> frozenset[str]:
    """Every scope asked for, if each is a supported named `system/` scope; else `invalid_scope`."""
    if not requested:
        raise OAuthError("invalid_scope", "request each system/ scope the application needs")
    for scope in requested:
        if "*" in scope:
            raise OAuthError("invalid_scope", f"wildcard scopes are not supported: {scope}")
        if scope not in _SUPPORTED:
            raise OAuthError("invalid_scope", f"the scope {scope} is not supported")
    return frozenset(requested)


TOKEN_POLICY = TokenPolicy(algorithms=ALGORITHMS, grant_scopes=grant_scopes, lifetime=TOKEN_LIFETIME,
                           token_type="Bearer")  # fmt: skip
