"""Synthetic free text: message threads, note bodies, visit reasons. No real person appears."""

from __future__ import annotations

__all__ = [
    "ALLERGY_CONSULT",
    "NOTE_TEXTS",
    "PATIENT_LINES",
    "PT_EVALUATION",
    "REASONS",
    "STAFF_LINES",
    "THREAD_SUBJECTS",
]

THREAD_SUBJECTS: tuple[str, ...] = (
    "Question about my lab results",
    "Medication refill question",
    "Follow-up after my visit",
    "Referral status",
    "Sick call: sore throat",
    "Blood pressure log",
    "Request for immunization record",
    "Physical therapy exercises",
    "Sleep problems",
    "Travel clearance paperwork",
    "Knee pain after PT",
    "Allergy season symptoms",
)

PATIENT_LINES: tuple[str, ...] = (
    "Could you tell me what these results mean for me?",
    "Thank you, that helps. Should I schedule a follow-up?",
    "I have been taking it every morning as prescribed.",
    "The symptoms are a little better but not gone.",
    "Is there anything I should do before the appointment?",
    "I uploaded my readings from this week.",
    "Understood, I will call the clinic if it gets worse.",
)

STAFF_LINES: tuple[str, ...] = (
    "Thanks for your message. Your results are within the expected range for you.",
    "Please keep taking the medication and recheck in three months.",
    "I have placed the referral; the specialty clinic will contact you.",
    "Let's schedule a visit so we can take a closer look.",
    "Drink plenty of fluids and rest. Call the nurse line if you develop a fever.",
    "Your paperwork has been signed and is ready for pickup.",
    "Good to hear. Keep up the exercises twice a day.",
)

NOTE_TEXTS: tuple[tuple[str, str], ...] = (
    (
        "Annual wellness visit",
        "Subjective: Patient presents for annual exam, no acute complaints.\n"
        "Objective: Vitals within normal limits. Exam unremarkable.\n"
        "Assessment/Plan: Continue current medications. Routine labs ordered.",
    ),
    (
        "Diabetes follow-up",
        "Subjective: Reports good adherence to metformin, occasional missed doses.\n"
        "Objective: A1c elevated compared with goal.\n"
        "Assessment/Plan: Reinforced diet counseling; recheck A1c in 3 months.",
    ),
    (
        "Hypertension follow-up",
        "Subjective: Home readings mostly 130s/80s.\n"
        "Objective: BP 134/84 in clinic.\n"
        "Assessment/Plan: Continue lisinopril; low-sodium diet reviewed.",
    ),
    (
        "Acute visit: low back pain",
        "Subjective: Low back pain after lifting during field exercise, no radiation.\n"
        "Objective: Paraspinal tenderness, normal neuro exam.\n"
        "Assessment/Plan: Mechanical low back pain. NSAIDs, activity as tolerated, PT referral.",
    ),
    (
        "Dental examination",
        "Periodic oral evaluation. No caries detected. Mild gingival inflammation.\n"
        "Plan: Prophylaxis completed; floss daily; recall in 6 months.",
    ),
    (
        "Asthma check",
        "Subjective: Uses rescue inhaler about twice a month, no night symptoms.\n"
        "Assessment/Plan: Well controlled. Continue albuterol as needed.",
    ),
)

REASONS: dict[str, tuple[str, ...]] = {
    "PRIMARY_CARE": (
        "Annual physical",
        "Follow-up visit",
        "Medication review",
        "Sick call",
        "Blood pressure check",
    ),
    "DENTAL": ("Dental cleaning", "Periodic dental exam", "Filling"),
    "SPECIALTY": ("Cardiology consult", "Orthopedics follow-up", "Dermatology consult"),
}

PT_EVALUATION: tuple[str, str] = (
    "Physical therapy evaluation",
    "Referral: low back pain, 6 weeks.\n"
    "Findings: reduced lumbar flexion, no neurological deficit.\n"
    "Plan: core stabilization program, 2 visits a week for 6 weeks.",
)
"""A note that comes as a PDF document."""

ALLERGY_CONSULT: tuple[str, str] = (
    "Allergy clinic consult",
    "Seasonal allergic rhinitis, worse in spring.\n"
    "Skin testing positive for tree pollen.\n"
    "Plan: intranasal steroid daily; follow up in 3 months.",
)
"""A note that comes as XHTML wrapped in hostile markup."""
