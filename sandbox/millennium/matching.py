"""Whether a resource matches one checked parameter: generic FHIR matching plus Millennium's own
parameters (`-location`, `schedule.actor`, `-email-status`, `-date-or-req-period`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.fhir.filters import Criterion, satisfies
from sandbox.fhir.params import SearchParam
from sandbox.fhir.paths import reference_key
from sandbox.fhir.store import ResourceStore

from .checks import Occurrence
from .systems import SCHEDULING_LOCATION, extension_url

__all__ = ["Predicate", "criterion", "plain", "predicate"]

Predicate = Callable[[dict[str, Any]], bool]
Resource = dict[str, Any]
_EMAIL_STATUS = extension_url("email-status")


def criterion(occ: Occurrence, paths: tuple[str, ...] | None = None) -> Criterion:
    """The generic criterion an occurrence stands for (`subject:Patient=1` is `subject=Patient/1`)."""
    p = occ.param
    values = occ.values
    if p.kind == "reference" and occ.modifier:
        values = tuple(v if "/" in v else f"{occ.modifier}/{v}" for v in values)
    modifier = "exact" if occ.modifier == "exact" else None
    return Criterion(SearchParam(p.name, p.kind, paths or p.paths, p.targets), modifier, values)


def plain(resource_type: str, occ: Occurrence) -> Criterion | None:
    """The criterion an occurrence is tested by, unless it is one of Millennium's own parameters."""
    return None if (resource_type, occ.param.name) in _SPECIAL else criterion(occ)


def predicate(resource_type: str, occ: Occurrence, store: ResourceStore) -> Predicate:
    """The test one occurrence puts every candidate resource to."""
    special = _SPECIAL.get((resource_type, occ.param.name))
    if special is not None:
        return special(occ, store)
    crit = criterion(occ)
    return lambda r: satisfies(r, crit)


def _scheduling_location(occ: Occurrence, _: ResourceStore) -> Predicate:
    wanted = {reference_key(v if "/" in v else f"Location/{v}") for v in occ.values}

    def test(slot: Resource) -> bool:
        places = (e.get("valueReference") for e in slot.get("extension") or () if e.get("url") == SCHEDULING_LOCATION)
        return any(reference_key(p) in wanted for p in places)

    return test


def _schedule_actor(occ: Occurrence, store: ResourceStore) -> Predicate:
    crit = criterion(occ, ("actor",))
    schedules = {("Schedule", s["id"]) for s in store.all("Schedule") if satisfies(s, crit)}
    return lambda slot: reference_key(slot.get("schedule")) in schedules


def _email_status(occ: Occurrence, _: ResourceStore) -> Predicate:
    crit = Criterion(SearchParam("-email-status", "token", ("valueCodeableConcept",)), None, occ.values)

    def test(comm: Resource) -> bool:
        return any(e.get("url") == _EMAIL_STATUS and satisfies(e, crit) for e in comm.get("extension") or ())

    return test


def _appointment_date(occ: Occurrence, _: ResourceStore) -> Predicate:
    """`date`: appointments other than `proposed` starting in the range."""
    start = criterion(occ, ("start",))
    return lambda appt: appt.get("status") != "proposed" and satisfies(appt, start)


def _date_or_requested(occ: Occurrence, store: ResourceStore) -> Predicate:
    """`-date-or-req-period`: as `date`, plus `proposed` ones whose requested period is in range."""
    booked = _appointment_date(occ, store)
    requested = criterion(occ, ("requestedPeriod",))
    return lambda appt: booked(appt) or (appt.get("status") == "proposed" and satisfies(appt, requested))


_SPECIAL: dict[tuple[str, str], Callable[[Occurrence, ResourceStore], Predicate]] = {
    ("Slot", "-location"): _scheduling_location,
    ("Slot", "schedule.actor"): _schedule_actor,
    ("Communication", "-email-status"): _email_status,
    ("Appointment", "date"): _appointment_date,
    ("Appointment", "-date-or-req-period"): _date_or_requested,
}
