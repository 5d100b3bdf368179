"""Rows for the TOL archive: accounts and their legacy threads, visits, prescriptions, labs."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .clinical import flag_for
from .clock import past_moment
from .codes import LABS, MEDICATIONS, LabTest, Medication
from .history import lab_value
from .model import TolData
from .places import TolSite
from .texts import PATIENT_LINES, REASONS, STAFF_LINES, THREAD_SUBJECTS
from .tol_rows import (
    TolAccount,
    TolAppointment,
    TolFacility,
    TolLabResult,
    TolMessage,
    TolPrescription,
    TolThread,
)

__all__ = ["TolBuilder"]

_CLINIC_STAFF = {
    "PRIMARY_CARE": "Dr. Rachel Ames",
    "DENTAL": "Dr. Victor Lum",
    "SPECIALTY": "Dr. Naomi Fitch",
}
_APPT_STATUS = {"fulfilled": "KEPT", "cancelled": "CANCELLED", "noshow": "NO_SHOW"}


def _decimal(value: float | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.{places}f}")


class TolBuilder:
    """Accumulates TOL rows with stable text ids (`tolmsg-000123`)."""

    def __init__(self, sites: tuple[TolSite, ...]) -> None:
        self.data = TolData()
        self._counters: dict[str, int] = {}
        for site in sites:
            self.data.facilities.append(TolFacility(site.id, site.name, site.go_live))

    def _id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{n:06d}"

    def account(
        self,
        dod_id: str,
        given: str,
        family: str,
        birth_date: dt.date,
        gender: str,
        site: TolSite,
    ) -> str:
        account_id = self._id("tolacct")
        sex = {"male": "M", "female": "F"}.get(gender, "U")
        self.data.accounts.append(TolAccount(account_id, dod_id, given, family, birth_date, sex, site.id))
        return account_id

    def thread(
        self,
        rng: random.Random,
        account_id: str,
        started: dt.datetime,
        count: int,
        folder: str = "ARCHIVE",
        subject: str | None = None,
    ) -> str:
        """A thread of `count` messages, patient first, alternating with the clinic."""
        thread_id = self._id("tolthr")
        sent = started
        for n in range(count):
            from_patient = n % 2 == 0
            body = rng.choice(PATIENT_LINES if from_patient else STAFF_LINES)
            sender = "Patient" if from_patient else _CLINIC_STAFF["PRIMARY_CARE"]
            self.data.messages.append(TolMessage(self._id("tolmsg"), thread_id, sent, sender, from_patient, body))
            last = sent
            sent += dt.timedelta(hours=rng.randint(3, 40))
        self.data.message_threads.append(
            TolThread(
                thread_id,
                account_id,
                subject or rng.choice(THREAD_SUBJECTS),
                folder,
                started,
                last,
            )
        )
        return thread_id

    def appointment(
        self,
        account_id: str,
        site: TolSite,
        when: dt.datetime,
        clinic: str,
        status: str,
        reason: str,
        *,
        entered_in_error: bool = False,
    ) -> None:
        minutes = 60 if clinic == "DENTAL" else 30
        self.data.appointments.append(
            TolAppointment(
                self._id("tolappt"),
                account_id,
                site.id,
                when,
                when + dt.timedelta(minutes=minutes),
                status,
                clinic,
                _CLINIC_STAFF.get(clinic, _CLINIC_STAFF["SPECIALTY"]),
                reason,
                entered_in_error,
            )
        )

    def prescription(
        self,
        account_id: str,
        med: Medication,
        written: dt.date,
        status: str,
        refills_authorized: int,
        refills_used: int,
    ) -> None:
        rx_id = self._id("tolrx")
        self.data.prescriptions.append(
            TolPrescription(
                rx_id,
                account_id,
                f"TOL{rx_id[-6:]}",
                med.name,
                med.rxnorm,
                med.sig,
                _CLINIC_STAFF["PRIMARY_CARE"],
                written,
                written + dt.timedelta(days=365),
                refills_authorized,
                refills_used,
                status,
            )
        )

    def lab(
        self,
        account_id: str,
        test: LabTest,
        when: dt.datetime,
        value: float | str,
        *,
        status: str = "FINAL",
        entered_in_error: bool = False,
    ) -> None:
        result_id = self._id("tollab")
        numeric = None if isinstance(value, str) else value
        self.data.lab_results.append(
            TolLabResult(
                result_id,
                account_id,
                f"TOL-{result_id[-6:]}",
                test.loinc,
                test.name,
                _decimal(numeric, test.decimals),
                value if isinstance(value, str) else None,
                test.unit,
                _decimal(test.low, test.decimals),
                _decimal(test.high, test.decimals),
                test.normal_text,
                flag_for(test, value),
                when,
                status,
                entered_in_error,
            )
        )

    def history(
        self,
        rng: random.Random,
        account_id: str,
        site: TolSite,
        today: dt.date,
        *,
        threads: int,
        per_thread: int,
        appointments: int,
        prescriptions: int,
        labs: int,
        span_days: int = 1500,
    ) -> None:
        """Random legacy records, all dated before the site went live on GENESIS."""
        newest = site.newest_archive_day(today)
        oldest = newest + span_days
        folders = ("ARCHIVE", "ARCHIVE", "INBOX", "SENT")
        for n in range(threads):
            started = past_moment(rng, today, site.tz, newest + 10, oldest)
            self.thread(rng, account_id, started, per_thread, folders[n % len(folders)])
        for _ in range(appointments):
            clinic = rng.choice(("PRIMARY_CARE", "PRIMARY_CARE", "DENTAL", "SPECIALTY"))
            status = _APPT_STATUS[rng.choices(tuple(_APPT_STATUS), (8, 1, 1))[0]]
            when = past_moment(rng, today, site.tz, newest, oldest)
            self.appointment(account_id, site, when, clinic, status, rng.choice(REASONS[clinic]))
        for _ in range(prescriptions):
            written = past_moment(rng, today, site.tz, newest + 365, oldest).date()
            status = rng.choice(("EXPIRED", "DISCONTINUED"))
            self.prescription(account_id, rng.choice(MEDICATIONS), written, status, 3, 1)
        for _ in range(labs):
            test = rng.choice(LABS)
            when = past_moment(rng, today, site.tz, newest, oldest)
            self.lab(account_id, test, when, lab_value(rng, test))
