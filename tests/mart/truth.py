"""What the sandboxes' own data says, computed without the gateway: the answers cohorts must give.

Linking here is plain: a FHIR patient or TOL account carrying a DoD ID is that person; a community
patient without one is the GENESIS patient with the same name, birth date and gender, if exactly
one is. A patient's home facility is where their GENESIS care team is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
FACILITY = "urn:mhs:facility"
Resource = dict[str, Any]


def _dod(patient: Resource) -> str | None:
    return next((i["value"] for i in patient.get("identifier", []) if i.get("system") == DOD), None)


def _who(patient: Resource) -> tuple[str, str, str, str]:
    name = (patient.get("name") or [{}])[0]
    return (name.get("family", "").lower(), " ".join(name.get("given", [])).lower(), patient.get("birthDate", ""),
            patient.get("gender", ""))


def _of(resources: Iterable[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["resourceType"] == kind]


class Truth:
    """The demo data, as people."""

    def __init__(self, data: Any) -> None:
        self.data = data
        genesis = _of(data.genesis, "Patient")
        self.owner: dict[tuple[str, str], str] = {("GENESIS", p["id"]): d for p in genesis if (d := _dod(p))}
        by_who: dict[tuple[str, str, str, str], list[str]] = {}
        for p in genesis:
            if (d := _dod(p)) is not None:
                by_who.setdefault(_who(p), []).append(d)
        for p in _of(data.community, "Patient"):
            found = _dod(p) or (by_who.get(_who(p), [None, None])[0] if len(by_who.get(_who(p), [])) == 1 else None)
            if found is not None and p.get("active") is not False:
                self.owner[("COMMUNITY", p["id"])] = found
        for account in data.tol.accounts:
            self.owner[("TOL_ARCHIVE", account.account_id)] = account.dod_id
        self.people = set(self.owner.values())
        self.genesis = {_dod(p): p for p in genesis}
        self.home = {}
        for team in _of(data.genesis, "CareTeam"):
            patient = self.owner.get(("GENESIS", team["subject"]["reference"].split("/", 1)[1]))
            facility = next((i["value"] for i in team.get("identifier", []) if i.get("system") == FACILITY), None)
            if patient and facility:
                self.home[patient] = f"GENESIS:{facility}"

    def _fhir(self, kind: str, keep: Callable[[Resource], bool]) -> set[str]:
        found = set()
        for source, resources in (("GENESIS", self.data.genesis), ("COMMUNITY", self.data.community)):
            for r in _of(resources, kind):
                patient = (r.get("subject") or {}).get("reference", "").split("/", 1)[-1]
                if (source, patient) in self.owner and keep(r):
                    found.add(self.owner[(source, patient)])
        return found

    def with_lab(self, loinc: str, flags: set[str]) -> set[str]:
        """Everyone with a live lab result of this LOINC code flagged with one of `flags` (H, HH, ...)."""
        def keep(o: Resource) -> bool:
            codes = {(c.get("system"), c.get("code")) for c in o.get("code", {}).get("coding", [])}
            marks = {c.get("code") for i in o.get("interpretation", []) for c in i.get("coding", [])}
            category = {c.get("code") for k in o.get("category", []) for c in k.get("coding", [])}
            live = o.get("status") != "entered-in-error"
            return (LOINC, loinc) in codes and bool(marks & flags) and live and "laboratory" in category
        found = self._fhir("Observation", keep)
        for lab in self.data.tol.lab_results:
            if lab.loinc_code == loinc and lab.abnormal_flag in flags and not lab.entered_in_error:
                found.add(self.owner[("TOL_ARCHIVE", lab.account_id)])
        return found

    def with_condition(self, prefix: str, years: tuple[int, int] | None = None) -> set[str]:
        """Everyone with a condition whose ICD-10-CM code starts with `prefix` (onset in `years`)."""
        def keep(c: Resource) -> bool:
            codes = [x["code"] for x in c.get("code", {}).get("coding", []) if x.get("system") == ICD10]
            wrong = {x.get("code") for x in c.get("verificationStatus", {}).get("coding", [])}
            onset = (c.get("onsetDateTime") or (c.get("onsetPeriod") or {}).get("start") or "")[:4]
            in_years = years is None or (onset.isdigit() and years[0] <= int(onset) <= years[1])
            return bool(codes) and codes[0].startswith(prefix) and "entered-in-error" not in wrong and in_years
        return self._fhir("Condition", keep)

    def sex(self, dod_id: str) -> str | None:
        patient = self.genesis.get(dod_id)
        return None if patient is None else patient.get("gender")

    def age_band(self, dod_id: str, year: int | None = None) -> str | None:
        patient = self.genesis.get(dod_id)
        if patient is None or not patient.get("birthDate"):
            return None
        age = (year or dt.date.today().year) - int(patient["birthDate"][:4])
        for low, band in ((90, "AGE_90_PLUS"), (80, "AGE_80_89"), (70, "AGE_70_79"), (60, "AGE_60_69"),
                          (50, "AGE_50_59"), (40, "AGE_40_49"), (30, "AGE_30_39"), (18, "AGE_18_29")):
            if age >= low:
                return band
        return "UNDER_18"
