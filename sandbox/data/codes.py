"""The coded concepts the synthetic data uses (ICD-10-CM, SNOMED CT, LOINC, RxNorm).

The health-topics library should cover every ICD-10-CM code in `ICD10_CODES`; tests check that
the generator uses no code outside these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONDITIONS",
    "ICD10",
    "ICD10_CODES",
    "LABS",
    "LOINC",
    "LOINC_CODES",
    "MEDICATIONS",
    "NOTE_TYPES",
    "RXNORM",
    "RXNORM_CODES",
    "SNOMED",
    "ConditionCode",
    "LabTest",
    "Medication",
    "NoteType",
    "condition",
    "lab",
    "medication",
]

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@dataclass(frozen=True, slots=True)
class ConditionCode:
    icd10: str
    snomed: str
    display: str


@dataclass(frozen=True, slots=True)
class LabTest:
    """A lab test; numeric tests have a unit and a reference range, text tests a normal text."""

    loinc: str
    name: str
    unit: str | None
    low: float | None
    high: float | None
    decimals: int = 0
    normal_text: str | None = None
    abnormal_text: str | None = None


@dataclass(frozen=True, slots=True)
class Medication:
    rxnorm: str
    name: str
    sig: str
    days_supply: int


@dataclass(frozen=True, slots=True)
class NoteType:
    loinc: str
    display: str


CONDITIONS: tuple[ConditionCode, ...] = (
    ConditionCode("E11.9", "44054006", "Type 2 diabetes mellitus without complications"),
    ConditionCode("I10", "59621000", "Essential (primary) hypertension"),
    ConditionCode("J45.909", "195967001", "Unspecified asthma, uncomplicated"),
    ConditionCode("M54.50", "279039007", "Low back pain, unspecified"),
    ConditionCode("E78.5", "55822004", "Hyperlipidemia, unspecified"),
    ConditionCode("F41.1", "21897009", "Generalized anxiety disorder"),
    ConditionCode("K21.9", "235595009", "Gastro-esophageal reflux disease without esophagitis"),
    ConditionCode("E03.9", "40930008", "Hypothyroidism, unspecified"),
    ConditionCode("G43.909", "37796009", "Migraine, unspecified, not intractable"),
    ConditionCode("M17.11", "239873007", "Unilateral primary osteoarthritis, right knee"),
    ConditionCode("J30.9", "61582004", "Allergic rhinitis, unspecified"),
    ConditionCode("E66.9", "414916001", "Obesity, unspecified"),
)

LABS: tuple[LabTest, ...] = (
    LabTest("4548-4", "Hemoglobin A1c", "%", 4.0, 5.6, 1),
    LabTest("2345-7", "Glucose", "mg/dL", 70, 99),
    LabTest("2093-3", "Cholesterol, total", "mg/dL", 0, 199),
    LabTest("13457-7", "LDL cholesterol (calculated)", "mg/dL", 0, 99),
    LabTest("2085-9", "HDL cholesterol", "mg/dL", 40, 90),
    LabTest("2571-8", "Triglycerides", "mg/dL", 0, 149),
    LabTest("2160-0", "Creatinine", "mg/dL", 0.6, 1.3, 2),
    LabTest("718-7", "Hemoglobin", "g/dL", 12.0, 17.5, 1),
    LabTest("6690-2", "White blood cell count", "10*3/uL", 4.5, 11.0, 1),
    LabTest("777-3", "Platelet count", "10*3/uL", 150, 400),
    LabTest("2951-2", "Sodium", "mmol/L", 135, 145),
    LabTest("2823-3", "Potassium", "mmol/L", 3.5, 5.1, 1),
    LabTest("3016-3", "Thyroid stimulating hormone", "m[IU]/L", 0.4, 4.0, 2),
    LabTest("1742-6", "Alanine aminotransferase (ALT)", "U/L", 7, 56),
    LabTest("630-4", "Urine culture", None, None, None, 0, "No growth", ">100,000 CFU/mL E. coli"),
    LabTest("5778-6", "Urine color", None, None, None, 0, "Yellow", "Red"),
)

MEDICATIONS: tuple[Medication, ...] = (
    Medication("860975", "Metformin ER 500 MG Oral Tablet", "Take 1 tablet by mouth daily", 90),
    Medication("314076", "Lisinopril 10 MG Oral Tablet", "Take 1 tablet by mouth daily", 90),
    Medication(
        "745679",
        "Albuterol 90 MCG/ACTUAT Metered Dose Inhaler",
        "Inhale 2 puffs every 4 to 6 hours as needed for wheezing",
        30,
    ),
    Medication(
        "197806",
        "Ibuprofen 600 MG Oral Tablet",
        "Take 1 tablet by mouth every 6 hours as needed",
        10,
    ),
    Medication("617312", "Atorvastatin 10 MG Oral Tablet", "Take 1 tablet by mouth at bedtime", 90),
    Medication("308191", "Amoxicillin 500 MG Oral Capsule", "Take 1 capsule by mouth 3 times daily", 10),
    Medication("197361", "Amlodipine 5 MG Oral Tablet", "Take 1 tablet by mouth daily", 90),
    Medication("310798", "Hydrochlorothiazide 25 MG Oral Tablet", "Take 1 tablet every morning", 90),
    Medication("966247", "Levothyroxine 0.05 MG Oral Tablet", "Take 1 tablet before breakfast", 90),
    Medication("198211", "Simvastatin 40 MG Oral Tablet", "Take 1 tablet by mouth at bedtime", 90),
)

NOTE_TYPES: tuple[NoteType, ...] = (
    NoteType("11506-3", "Progress note"),
    NoteType("34117-2", "History and physical note"),
    NoteType("11488-4", "Consult note"),
    NoteType("34109-9", "Note"),
    NoteType("28570-0", "Procedure note"),
)

ICD10_CODES: tuple[str, ...] = tuple(c.icd10 for c in CONDITIONS)
LOINC_CODES: tuple[str, ...] = tuple(t.loinc for t in LABS)
RXNORM_CODES: tuple[str, ...] = tuple(m.rxnorm for m in MEDICATIONS)


def condition(icd10: str) -> ConditionCode:
    """The condition with this ICD-10-CM code."""
    return next(c for c in CONDITIONS if c.icd10 == icd10)


def lab(loinc: str) -> LabTest:
    """The lab test with this LOINC code."""
    return next(t for t in LABS if t.loinc == loinc)


def medication(rxnorm: str) -> Medication:
    """The medication with this RxNorm code."""
    return next(m for m in MEDICATIONS if m.rxnorm == rxnorm)
