"""Millennium's documented rules for clinical resources, documents and messages."""

from __future__ import annotations

from .params import CLOSED_RANGE, DOC_DATE, GE_LT_PAIR, ID, LAST_UPDATED, PROVENANCE, date, ref, token
from .rules import CountRule, DateRule, Param, SearchRules, Sort, TypeRules

__all__ = ["CLINICAL_TYPES"]

_F = frozenset
_PATIENT = ref("patient", ("subject",), "Patient")
_SUBJECT = ref("subject", ("subject",), "Patient", modifiers=_F({"Patient"}))
_ENCOUNTER = ref("encounter", ("encounter",), "Encounter", lists=True)
_REQUIRED = (_F({"_id"}), _F({"patient"}))
_SINGLE_ID = Param("_id", "token", ("id",))

OBSERVATION = TypeRules(
    "Observation",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            _PATIENT,
            _SUBJECT,
            token("code", lists=True),
            date("date", "effectiveDateTime", "effectivePeriod", "effectiveInstant", rule=CLOSED_RANGE),
            LAST_UPDATED,
            token("category", lists=True),
        ),
        required=(*_REQUIRED, _F({"subject"})),
        exclusive=(_F({"date", "_lastUpdated"}),),
        alone="_id",
        alone_with=_F({"_revinclude"}),
        count=CountRule(default=50, maximum=200),
        revincludes=PROVENANCE,
        sort=Sort(("effectiveDateTime", "effectivePeriod", "effectiveInstant"), descending=True),
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab",),
    page="clinical/diagnostics/observation.md",
)

DIAGNOSTIC_REPORT = TypeRules(
    "DiagnosticReport",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            _PATIENT,
            _ENCOUNTER,
            date("date", "effectiveDateTime", "effectivePeriod", rule=DOC_DATE),
            LAST_UPDATED,
            token("category"),
            token("code"),
        ),
        required=_REQUIRED,
        exclusive=(_F({"date", "_lastUpdated"}),),
        count=CountRule(default=10, maximum=100),
        revincludes=PROVENANCE,
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab",),
    page="clinical/diagnostics/diagnostic-report.md",
)

DOCUMENT_REFERENCE = TypeRules(
    "DocumentReference",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            _PATIENT,
            ref("encounter", ("context.encounter",), "Encounter", lists=True),
            token("type", lists=True),
            token("category"),
            date("date", "date", rule=DOC_DATE),
            date("period", "context.period", rule=GE_LT_PAIR),
            LAST_UPDATED,
        ),
        required=_REQUIRED,
        exclusive=(_F({"date", "period", "_lastUpdated"}),),
        alone="_id",
        alone_with=_F({"_revinclude"}),
        count=CountRule(default=10, maximum=100),
        revincludes=PROVENANCE,
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference",),
    page="foundation/documents/document-reference.md",
)

BINARY = TypeRules("Binary", _F({"read"}), page="foundation/other/binary.md")

MEDICATION_REQUEST = TypeRules(
    "MedicationRequest",
    _F({"read", "search-type", "create", "patch"}),
    SearchRules(
        params=(
            ID,
            _PATIENT,
            token("status", lists=True),
            token("intent", lists=True),
            date(
                "-timing-boundsPeriod",
                "dosageInstruction.timing.repeat.boundsPeriod",
                rule=DateRule(once=_F({"ge"}), lower=_F(), upper=_F()),
            ),
            date(
                "_lastUpdated",
                "meta.lastUpdated",
                rule=DateRule(
                    once=_F({"le", "ge"}),
                    lower=_F({"ge"}),
                    upper=_F({"le"}),
                    time_once="required",
                    time_pair="required",
                ),
            ),
        ),
        required=_REQUIRED,
        alone="_id",
        alone_with=_F({"_revinclude"}),
        count=CountRule(default=20, maximum=200, ignored_with=_F({"_id"})),
        revincludes=PROVENANCE,
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-medicationrequest",),
    page="clinical/medications/medication-request.md",
)

CONDITION = TypeRules(
    "Condition",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            _PATIENT,
            _SUBJECT,
            token("clinical-status", "clinicalStatus"),
            token("category"),
            _ENCOUNTER,
            LAST_UPDATED,
        ),
        required=(*_REQUIRED, _F({"subject"})),
        alone="_id",
        alone_with=_F({"_revinclude"}),
        revincludes=PROVENANCE,
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition",),
    page="clinical/summary/condition.md",
)

CARE_TEAM = TypeRules(
    "CareTeam",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            _SINGLE_ID,
            _PATIENT,
            ref("encounter", ("encounter",), "Encounter"),
            token("category", codes=_F({"longitudinal", "encounter"})),
            token("status"),
        ),
        required=(*_REQUIRED, _F({"encounter"})),
        needs={"category": _F({"patient"})},
        exclusive=(_F({"encounter", "category"}), _F({"encounter", "status"})),
        revincludes=PROVENANCE,
        fixed=(("status", "active"),),
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-careteam",),
    page="clinical/care-provision/care-team.md",
)

_INBOX = _F({"category", "recipient", "received", "-email-status"})
COMMUNICATION = TypeRules(
    "Communication",
    _F({"read", "search-type", "create", "patch"}),
    SearchRules(
        params=(
            ID,
            token("category", system=True),
            ref("recipient", ("recipient",), "Practitioner", "Group", modifiers=_F({"Group", "Practitioner"})),
            date(
                "received",
                "received",
                rule=DateRule(
                    once=_F({"ge"}), lower=_F({"ge"}), upper=_F({"le"}), time_once="required", time_pair="required"
                ),
            ),
            token("-email-status", system=True),
        ),
        required=(_F({"_id"}), _INBOX),
        most=1000,
    ),
    page="clinical/request-and-response/communication.md",
)

QUESTIONNAIRE = TypeRules(
    "Questionnaire",
    _F({"read", "search-type"}),
    SearchRules(params=(ID,), required=(_F({"_id"}),)),
    page="specialized/definitional-artifacts/questionnaire.md",
)

QUESTIONNAIRE_RESPONSE = TypeRules(
    "QuestionnaireResponse",
    _F({"read", "search-type", "update"}),
    SearchRules(params=(ID, _PATIENT), required=_REQUIRED),
    page="clinical/diagnostics/questionnaire-response.md",
)

CLINICAL_TYPES = (
    OBSERVATION,
    DIAGNOSTIC_REPORT,
    DOCUMENT_REFERENCE,
    BINARY,
    MEDICATION_REQUEST,
    CONDITION,
    CARE_TEAM,
    COMMUNICATION,
    QUESTIONNAIRE,
    QUESTIONNAIRE_RESPONSE,
)
