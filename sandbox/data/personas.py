"""The demo personas P1..P4 (patients), C1, C2 (clinicians) and A1 (analyst), with their records.

Every promise in contract/demo.md's persona table is written here explicitly, so it holds for
any seed; the rng only varies filler values.
"""

from __future__ import annotations

import datetime as dt

from .clinical import (
    Message,
    add_appointment,
    add_condition,
    add_lab,
    add_note,
    add_prescription,
    add_thread,
)
from .codes import NOTE_TYPES, condition, lab, medication
from .directory import Person
from .fhir import Chart, ref
from .history import (
    random_appointments,
    random_conditions,
    random_labs,
    random_notes,
    random_threads,
)
from .model import Persona
from .places import BRAGG, HARBOR, LAKESIDE, LUKE, YOKOSUKA, Facility
from .questionnaire import add_assignment
from .texts import ALLERGY_CONSULT, NOTE_TEXTS, PT_EVALUATION
from .world import World

__all__ = ["DOD_IDS", "PEOPLE", "build_personas"]

DOD_IDS = {"P1": "1000000001", "P2": "1000000002", "P3": "1000000003", "P4": "1000000004"}

PEOPLE: dict[str, Person] = {
    "P1": Person(
        ("Jordan", "Avery"),
        "Castillo",
        dt.date(1993, 4, 17),
        "female",
        "910-555-0142",
        "jordan.castillo@example.com",
        "418 Longleaf Dr",
        "Fayetteville",
        "NC",
        "28303",
    ),
    "P2": Person(
        ("Robert", "Allen"),
        "Whitfield",
        dt.date(1957, 9, 2),
        "male",
        "910-555-0178",
        "rwhitfield57@example.net",
        "77 Cedar Creek Rd",
        "Spring Lake",
        "NC",
        "28390",
    ),
    "P3": Person(
        ("Evelyn", "Ruth"),
        "Nakamura",
        dt.date(1951, 6, 30),
        "female",
        "+81-46-816-5550",
        "evelyn.nakamura@example.org",
        "PSC 473 Box 12",
        "FPO",
        "AP",
        "96349",
    ),
    "P4": Person(
        ("Dante", "Michael"),
        "Okafor",
        dt.date(2001, 11, 5),
        "male",
        "+81-46-816-5561",
        None,
        "PSC 473 Box 88",
        "FPO",
        "AP",
        "96349",
    ),
}
# P2 as the community practices know him: same name, birth date and gender, another phone.
_P2_COMMUNITY = Person(
    ("Robert", "Allen"),
    "Whitfield",
    dt.date(1957, 9, 2),
    "male",
    "(910) 555-0179",
    None,
    "77 Cedar Creek Road",
    "Spring Lake",
    "NC",
    "28390",
)
# Same name as P2, another birth date: must never be linked to P2.
_DECOY = Person(
    ("Robert", "Allen"),
    "Whitfield",
    dt.date(1963, 2, 11),
    "male",
    "(850) 555-0123",
    None,
    "12 Bayou Blvd",
    "Pensacola",
    "FL",
    "32503",
)


def build_personas(w: World) -> dict[str, Persona]:
    """Write every persona's records into the world; return the persona table."""
    personas = {
        "P1": _p1(w),
        "P2": _p2(w),
        "P3": _p3(w),
        "P4": _p4(w),
    }
    for key, facility in (("C1", BRAGG), ("C2", LUKE)):
        staff = facility.pcm
        personas[key] = Persona(
            key,
            "clinician",
            staff.id,
            staff.display,
            practitioner_id=staff.id,
            facility=facility.id,
        )
    personas["A1"] = Persona("A1", "analyst", "analyst-a1", "Demo Analyst")
    return personas


def _patient(key: str, chart: Chart, facility: Facility, tol: str | None, community: tuple[str, ...]) -> Persona:
    return Persona(
        key,
        "patient",
        DOD_IDS[key],
        PEOPLE[key].display,
        dod_id=DOD_IDS[key],
        genesis_patient_id=chart.patient_id,
        tol_account_id=tol,
        community_patient_ids=community,
        facility=facility.id,
    )


def _book(
    w: World, chart: Chart, facility: Facility, service: str, days_ahead: int, reason: str, rid: str | None = None
) -> dict[str, object]:
    staff = facility.dentist if service == "DENTAL" else facility.pcm
    slot_id, start, minutes = w.slots.book(facility, service, staff, w.today, days_ahead)
    location = ref("Location", facility.id, facility.name)
    return add_appointment(chart, service, start, minutes, "booked", staff, location, reason, slot_id=slot_id, rid=rid)


def _p1(w: World) -> Persona:
    """P1: moved from a TOL-era site (Camp Lejeune) to Womack, which runs GENESIS."""
    person, f = PEOPLE["P1"], BRAGG
    g = w.genesis_chart(person, DOD_IDS["P1"], f)
    loc = ref("Location", f.id, f.name)

    # Labs: at least 5, one HIGH; one also held by the community practice; one entered in error.
    shared_when = w.days_ago(62, f, 8)
    shared_accession = g.store.new_id(g.business_prefix)
    add_lab(g, lab("13457-7"), shared_when, 92.0, shared_accession, rid="obs-p1-ldl")
    for days, loinc, value in (
        (21, "4548-4", 7.4),
        (21, "2345-7", 131.0),
        (62, "2160-0", 0.92),
        (120, "718-7", 13.8),
        (120, "3016-3", 2.15),
    ):
        add_lab(g, lab(loinc), w.days_ago(days, f, 8), value, g.store.new_id("GEN"))
    add_lab(g, lab("630-4"), w.days_ago(200, f, 10), "No growth", g.store.new_id("GEN"))
    add_lab(
        g,
        lab("2823-3"),
        w.days_ago(21, f, 8),
        6.9,
        g.store.new_id("GEN"),
        status="entered-in-error",
        rid="obs-p1-error",
    )

    # Prescriptions: NO_REFILLS_LEFT, EXPIRED, HAS_REFILLS, and a stopped one.
    hayes = f.pcm
    add_prescription(
        g,
        medication("860975"),
        w.days_ago(300, f),
        hayes,
        refills_allowed=3,
        fills=4,
        expires=w.today + dt.timedelta(days=65),
        rx_number="RX7000101",
        rid="medrx-p1-metformin",
    )
    add_prescription(
        g,
        medication("314076"),
        w.days_ago(380, f),
        hayes,
        refills_allowed=2,
        fills=3,
        expires=w.today - dt.timedelta(days=15),
        rx_number="RX7000102",
        rid="medrx-p1-lisinopril",
    )
    add_prescription(
        g,
        medication("745679"),
        w.days_ago(90, f),
        hayes,
        refills_allowed=5,
        fills=2,
        expires=w.today + dt.timedelta(days=275),
        rx_number="RX7000103",
        rid="medrx-p1-albuterol",
    )
    add_prescription(
        g,
        medication("197806"),
        w.days_ago(150, f),
        hayes,
        refills_allowed=0,
        fills=1,
        expires=w.today - dt.timedelta(days=140),
        rx_number="RX7000104",
        status="stopped",
        rid="medrx-p1-ibuprofen",
    )

    # Conditions with ICD-10-CM codes that have health topics; one entered in error.
    for icd, days in (("E11.9", 900), ("I10", 1200), ("J45.909", 4000), ("M54.50", 150)):
        add_condition(g, condition(icd), w.today - dt.timedelta(days=days))
    add_condition(
        g, condition("E66.9"), w.today - dt.timedelta(days=30), verification="entered-in-error", rid="cond-p1-error"
    )

    # Clinical notes: text inline for some, in a Binary for others; one entered in error.
    notes = (
        (21, "Diabetes follow-up", hayes, True),
        (62, "Hypertension follow-up", hayes, False),
        (150, "Acute visit: low back pain", hayes, True),
        (180, "Dental examination", f.dentist, False),
    )
    bodies = dict(NOTE_TEXTS)
    for days, title, author, inline in notes:
        add_note(g, NOTE_TYPES[0], title, w.days_ago(days, f, 11), author, bodies[title], inline=inline)
    add_note(
        g,
        NOTE_TYPES[3],
        "Note written in the wrong chart",
        w.days_ago(30, f, 11),
        hayes,
        "Entered in error.",
        inline=True,
        status="entered-in-error",
        rid="doc-p1-error",
    )
    # A PDF document (downloaded through the gateway) and an XHTML note with hostile markup.
    add_note(
        g, NOTE_TYPES[0], PT_EVALUATION[0], w.days_ago(45, f, 14), hayes, PT_EVALUATION[1],
        inline=False, form="pdf", rid="doc-p1-pt-pdf",
    )  # fmt: skip
    add_note(
        g, NOTE_TYPES[0], ALLERGY_CONSULT[0], w.days_ago(75, f, 10), hayes, ALLERGY_CONSULT[1],
        inline=False, form="xhtml", rid="doc-p1-allergy-xhtml",
    )  # fmt: skip

    # Secure message threads (GENESIS: repliable).
    start = w.days_ago(18, f, 19)
    add_thread(
        g,
        "Question about my A1c result",
        [
            Message(start, "My A1c came back high. Do I need to change my metformin?"),
            Message(
                start + dt.timedelta(hours=15),
                "Thanks for asking. Let's keep the dose and focus on diet for three months, then recheck.",
                hayes,
            ),
            Message(start + dt.timedelta(hours=20), "Okay, I will schedule the recheck."),
        ],
    )
    start = w.days_ago(3, f, 10)
    add_thread(
        g,
        "Preparing for your dental visit",
        [
            Message(start, "Please complete the dental health history before your visit.", f.dentist),
            Message(start + dt.timedelta(hours=6), "Will do. Should I bring my old records?"),
        ],
    )

    # Appointments: booked PRIMARY_CARE and DENTAL ahead, with the dental questionnaire due.
    _book(w, g, f, "PRIMARY_CARE", 5, "Diabetes follow-up", rid="appt-p1-primary")
    dental = _book(w, g, f, "DENTAL", 10, "Periodic dental exam", rid="appt-p1-dental")
    dental_start = dt.datetime.fromisoformat(str(dental["start"]))
    add_assignment(g, dental, w.days_ago(3, f, 10), dental_start - dt.timedelta(days=1), rid="task-p1-dental-history")
    for days, service, status, staff, reason in (
        (21, "PRIMARY_CARE", "fulfilled", hayes, "Diabetes follow-up"),
        (62, "PRIMARY_CARE", "fulfilled", hayes, "Hypertension follow-up"),
        (100, "PRIMARY_CARE", "cancelled", hayes, "Medication review"),
        (150, "PRIMARY_CARE", "fulfilled", hayes, "Sick call"),
    ):
        add_appointment(g, service, w.days_ago(days, f, 9), 30, status, staff, loc, reason)
    past_dental = add_appointment(
        g, "DENTAL", w.days_ago(180, f, 13), 60, "fulfilled", f.dentist, loc, "Dental cleaning"
    )
    add_assignment(g, past_dental, w.days_ago(190, f), w.days_ago(181, f), completed=w.days_ago(184, f, 20))

    # Community (linked by DoD ID): two labs of its own plus the shared one, a note, a Rx.
    c = w.community_chart(person, DOD_IDS["P1"], LAKESIDE)
    patel = LAKESIDE.clinician
    add_lab(c, lab("13457-7"), shared_when, 92.0, shared_accession, rid="cobs-p1-ldl")
    add_lab(c, lab("2345-7"), w.days_ago(450, LAKESIDE, 9), 94.0, c.store.new_id(LAKESIDE.business_prefix))
    add_lab(c, lab("6690-2"), w.days_ago(450, LAKESIDE, 9), 7.1, c.store.new_id(LAKESIDE.business_prefix))
    add_note(
        c,
        NOTE_TYPES[0],
        "Urgent care visit: sinusitis",
        w.days_ago(450, LAKESIDE, 16),
        patel,
        "Sinus pressure for 10 days. Acute bacterial sinusitis. Amoxicillin 10 days.",
        inline=True,
    )
    add_prescription(
        c,
        medication("308191"),
        w.days_ago(450, LAKESIDE, 16),
        patel,
        refills_allowed=0,
        fills=1,
        expires=w.today - dt.timedelta(days=420),
        rx_number="LFM-RX-2231",
        status="completed",
    )

    # TOL archive: all before Camp Lejeune went live on GENESIS.
    site = w.sites["tolfac-lejeune"]
    acct = w.tol.account(DOD_IDS["P1"], person.given[0], person.family, person.birth_date, person.gender, site)
    newest = site.newest_archive_day(w.today)
    for n, subject in enumerate(
        ("Pharmacy refill request", "Immunization record for PCS", "Referral to physical therapy")
    ):
        started = w.days_ago(newest + 40 + 90 * n, f, 8).astimezone(site.tz)
        w.tol.thread(w.rng, acct, started, 3 + n % 2, "ARCHIVE", subject)
    kept = w.days_ago(newest + 60, f, 9).astimezone(site.tz)
    w.tol.appointment(acct, site, kept, "PRIMARY_CARE", "KEPT", "Annual physical")
    w.tol.appointment(acct, site, kept - dt.timedelta(days=200), "DENTAL", "KEPT", "Dental cleaning")
    w.tol.appointment(acct, site, kept - dt.timedelta(days=300), "PRIMARY_CARE", "CANCELLED", "Sick call")
    w.tol.prescription(acct, medication("197806"), (kept - dt.timedelta(days=500)).date(), "EXPIRED", 1, 1)
    w.tol.prescription(acct, medication("314076"), (kept - dt.timedelta(days=30)).date(), "DISCONTINUED", 3, 0)
    w.tol.lab(acct, lab("4548-4"), kept, 6.1)
    w.tol.lab(acct, lab("2093-3"), kept, 212.0)
    w.tol.lab(acct, lab("718-7"), kept - dt.timedelta(days=200), 13.1)
    w.tol.lab(acct, lab("2823-3"), kept, 9.9, entered_in_error=True)
    return _patient("P1", g, f, acct, (c.patient_id,))


def _p2(w: World) -> Persona:
    """P2: retiree at Womack; community records without DoD ID; a same-name decoy exists."""
    person, f = PEOPLE["P2"], BRAGG
    g = w.genesis_chart(person, DOD_IDS["P2"], f)
    random_labs(w.rng, g, 4, w.today, 10, 300)
    random_notes(w.rng, g, f.pcm, 2, w.today, 10, 300)
    random_appointments(w.rng, g, f, 3, w.today, 10, 300)
    _book(w, g, f, "PRIMARY_CARE", 7, "Blood pressure check")
    add_condition(g, condition("I10"), w.today - dt.timedelta(days=3000))
    add_condition(g, condition("E78.5"), w.today - dt.timedelta(days=2000))
    add_prescription(
        g,
        medication("197361"),
        w.days_ago(60, f),
        f.pcm,
        refills_allowed=3,
        fills=1,
        expires=w.today + dt.timedelta(days=300),
        rx_number="RX7000201",
    )
    random_threads(w.rng, g, 1, 2, f.pcm, w.today, 5, 60)

    lakeside = w.community_chart(_P2_COMMUNITY, None, LAKESIDE, owner=DOD_IDS["P2"])
    random_labs(w.rng, lakeside, 3, w.today, 100, 900)
    random_notes(w.rng, lakeside, LAKESIDE.clinician, 1, w.today, 100, 900)
    harbor = w.community_chart(_P2_COMMUNITY, None, HARBOR, owner=DOD_IDS["P2"])
    add_note(
        harbor,
        NOTE_TYPES[4],
        "Dental examination",
        w.days_ago(240, HARBOR, 10),
        HARBOR.clinician,
        dict(NOTE_TEXTS)["Dental examination"],
        inline=False,
        form="pdf",
        rid="cdoc-p2-dental-pdf",
    )
    add_note(
        lakeside, NOTE_TYPES[0], ALLERGY_CONSULT[0], w.days_ago(130, LAKESIDE, 15), LAKESIDE.clinician,
        ALLERGY_CONSULT[1], inline=True, form="xhtml", rid="cdoc-p2-allergy-xhtml",
    )  # fmt: skip

    decoy = w.community_chart(_DECOY, None, LAKESIDE)
    add_lab(
        decoy,
        lab("2345-7"),
        w.days_ago(33, LAKESIDE, 8),
        188.0,
        decoy.store.new_id(LAKESIDE.business_prefix),
        rid="cobs-decoy-glucose",
    )
    add_note(
        decoy,
        NOTE_TYPES[0],
        "Decoy visit",
        w.days_ago(33, LAKESIDE, 9),
        LAKESIDE.clinician,
        "Visit for a different person with the same name.",
        inline=True,
        rid="cdoc-decoy",
    )
    return _patient("P2", g, f, None, (lakeside.patient_id, harbor.patient_id))


def _p3(w: World) -> Persona:
    """P3: long history across Yokosuka (GENESIS), a community practice and Fort Hood (TOL)."""
    person, f = PEOPLE["P3"], YOKOSUKA
    g = w.genesis_chart(person, DOD_IDS["P3"], f)
    random_labs(w.rng, g, 160, w.today, 2, 690)
    random_threads(w.rng, g, 6, 5, f.pcm, w.today, 2, 690)
    random_appointments(w.rng, g, f, 26, w.today, 2, 690)
    _book(w, g, f, "PRIMARY_CARE", 3, "Follow-up visit")
    _book(w, g, f, "DENTAL", 8, "Dental cleaning")
    random_notes(w.rng, g, f.pcm, 6, w.today, 2, 690)
    random_conditions(w.rng, g, 4, w.today, 6000)
    for n, rx in enumerate(("617312", "966247", "310798")):
        add_prescription(
            g,
            medication(rx),
            w.days_ago(40 + 30 * n, f),
            f.pcm,
            refills_allowed=3,
            fills=1 + n,
            expires=w.today + dt.timedelta(days=200),
            rx_number=f"RX70003{n:02d}",
        )

    c = w.community_chart(person, DOD_IDS["P3"], LAKESIDE)
    random_labs(w.rng, c, 120, w.today, 720, 3650)
    random_notes(w.rng, c, LAKESIDE.clinician, 2, w.today, 720, 3650)

    site = w.sites["tolfac-hood"]
    acct = w.tol.account(DOD_IDS["P3"], person.given[0], person.family, person.birth_date, person.gender, site)
    w.tol.history(w.rng, acct, site, w.today, threads=8, per_thread=5, appointments=20, prescriptions=3, labs=12)
    return _patient("P3", g, f, acct, (c.patient_id,))


def _p4(w: World) -> Persona:
    """P4: only in GENESIS."""
    person, f = PEOPLE["P4"], YOKOSUKA
    g = w.genesis_chart(person, DOD_IDS["P4"], f)
    random_labs(w.rng, g, 2, w.today, 20, 200)
    random_notes(w.rng, g, f.pcm, 1, w.today, 20, 200)
    random_appointments(w.rng, g, f, 1, w.today, 20, 200)
    _book(w, g, f, "DENTAL", 6, "Periodic dental exam")
    add_condition(g, condition("J30.9"), w.today - dt.timedelta(days=400))
    add_prescription(
        g,
        medication("197806"),
        w.days_ago(20, f),
        f.pcm,
        refills_allowed=1,
        fills=1,
        expires=w.today + dt.timedelta(days=160),
        rx_number="RX7000401",
    )
    return _patient("P4", g, f, None, ())
