"""Random but plausible filler records for one patient's chart (GENESIS or community)."""

from __future__ import annotations

import datetime as dt
import random

from .clinical import Message, add_appointment, add_condition, add_lab, add_note, add_thread
from .clock import past_moment
from .codes import CONDITIONS, LABS, NOTE_TYPES, LabTest
from .fhir import Chart, ref
from .places import Facility, Staff
from .texts import NOTE_TEXTS, PATIENT_LINES, REASONS, STAFF_LINES, THREAD_SUBJECTS

__all__ = [
    "lab_value",
    "random_appointments",
    "random_conditions",
    "random_labs",
    "random_notes",
    "random_threads",
]


def lab_value(rng: random.Random, test: LabTest, abnormal_share: float = 0.15) -> float | str:
    """A value for `test`: mostly inside its range, sometimes above or below it."""
    if test.normal_text is not None:
        return test.abnormal_text or "Abnormal" if rng.random() < abnormal_share else test.normal_text
    low = test.low or 0.0
    high = test.high if test.high is not None else low * 2 + 1
    span = high - low
    roll = rng.random()
    if roll < abnormal_share / 3 and low > 0:
        value = low - rng.uniform(0.05, 0.3) * span
    elif roll < abnormal_share:
        value = high + rng.uniform(0.05, 0.5) * span
    else:
        value = rng.uniform(low + span * 0.1, high - span * 0.1)
    return round(max(value, 0.0), test.decimals) if test.decimals else float(round(max(value, 0)))


def random_labs(rng: random.Random, chart: Chart, count: int, today: dt.date, newest: int, oldest: int) -> None:
    """`count` final lab results dated between `oldest` and `newest` days ago, own accessions."""
    for _ in range(count):
        test = rng.choice(LABS)
        when = past_moment(rng, today, chart.tz, newest, oldest)
        accession = chart.store.new_id(chart.business_prefix)
        add_lab(chart, test, when, lab_value(rng, test), accession)


def random_threads(
    rng: random.Random,
    chart: Chart,
    count: int,
    per_thread: int,
    staff: Staff,
    today: dt.date,
    newest: int,
    oldest: int,
) -> None:
    """`count` threads of `per_thread` alternating messages, patient first."""
    for _ in range(count):
        sent = past_moment(rng, today, chart.tz, newest, oldest)
        messages = []
        for n in range(per_thread):
            from_patient = n % 2 == 0
            lines = PATIENT_LINES if from_patient else STAFF_LINES
            messages.append(Message(sent, rng.choice(lines), None if from_patient else staff))
            sent += dt.timedelta(hours=rng.randint(2, 30))
        add_thread(chart, rng.choice(THREAD_SUBJECTS), messages)


def random_appointments(
    rng: random.Random,
    chart: Chart,
    facility: Facility,
    count: int,
    today: dt.date,
    newest: int,
    oldest: int,
) -> None:
    """`count` past appointments at `facility`: mostly fulfilled, some cancelled or no-shows."""
    location = ref("Location", facility.id, facility.name)
    for _ in range(count):
        service = rng.choice(("PRIMARY_CARE", "PRIMARY_CARE", "DENTAL", "SPECIALTY"))
        staff = facility.dentist if service == "DENTAL" else facility.pcm
        status = rng.choices(("fulfilled", "cancelled", "noshow"), (8, 1, 1))[0]
        when = past_moment(rng, today, chart.tz, newest, oldest)
        minutes = 60 if service == "DENTAL" else 30
        reason = rng.choice(REASONS[service])
        add_appointment(chart, service, when, minutes, status, staff, location, reason)


def random_notes(
    rng: random.Random,
    chart: Chart,
    author: Staff,
    count: int,
    today: dt.date,
    newest: int,
    oldest: int,
) -> None:
    for n in range(count):
        title, text = rng.choice(NOTE_TEXTS)
        when = past_moment(rng, today, chart.tz, newest, oldest)
        add_note(chart, NOTE_TYPES[0], title, when, author, text, inline=n % 2 == 0)


def random_conditions(rng: random.Random, chart: Chart, count: int, today: dt.date, oldest: int) -> None:
    for code in rng.sample(CONDITIONS, count):
        onset = today - dt.timedelta(days=rng.randint(60, oldest))
        add_condition(chart, code, onset, clinical_status=rng.choice(("active", "active", "resolved")))
