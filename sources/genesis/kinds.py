"""What GENESIS serves, kind by kind: the shared clinical plans plus its own."""

from __future__ import annotations

from collections.abc import Sequence

from ..base import Filters, PageRequest
from ..fhir.bundle import Bundle
from ..fhir.client import Params
from ..fhir.kinds import CLINICAL_KINDS, KindSpec, per_resource
from ..fhir.mapping import MapContext
from ..fhir.values import SERVICE_CATEGORY, SERVICE_CODES
from ..records import CareService, Record, RecordKind
from . import mapping

__all__ = ["GENESIS_KINDS"]


def _message_params(f: Filters) -> Params:
    # The thread's root (which must be the patient's) and, revincluded, every reply to it.
    return [("_id", f.thread_id or "-"), ("_revinclude", "Communication:part-of")]


def _task_params(code: str) -> Params:
    return [("code", f"{mapping.TASK_CODE_SYSTEM}|{code}")]


def _assignment_params(f: Filters) -> Params:
    out = list(_task_params("questionnaire"))
    return [*out, ("status", "requested")] if f.pending_only else out


def _assignments(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    found = per_resource("Task", mapping.assignment)(bundle, ctx, page)
    return mapping.pending_filter(found, page)


def _slot_params(f: Filters) -> Params:
    out: list[tuple[str, str]] = [("status", "free"), ("_include", "Slot:schedule")]
    if f.service is CareService.OTHER:
        out += [("service-category:not", f"{SERVICE_CATEGORY}|{c}") for c in SERVICE_CODES.values()]
    elif f.service is not None:
        out.append(("service-category", f"{SERVICE_CATEGORY}|{SERVICE_CODES[f.service]}"))
    return out


GENESIS_KINDS: dict[RecordKind, KindSpec] = {
    **{RecordKind(k): spec for k, spec in CLINICAL_KINDS.items()},
    # Threads are built from all of the patient's Communications and paged in memory.
    RecordKind.MESSAGE_THREAD: KindSpec(
        "Communication",
        mapping.threads,
        get_params=(("_revinclude", "Communication:part-of"),),
    ),
    RecordKind.MESSAGE: KindSpec("Communication", mapping.messages, _message_params),
    RecordKind.QUESTIONNAIRE_ASSIGNMENT: KindSpec("Task", _assignments, _assignment_params),
    RecordKind.QUESTIONNAIRE: KindSpec(
        "Questionnaire", per_resource("Questionnaire", mapping.questionnaire), patient_param=None
    ),
    RecordKind.CARE_TEAM: KindSpec(
        "CareTeam",
        per_resource("CareTeam", mapping.care_team),
        lambda _f: [("_include", "CareTeam:participant")],
        get_params=(("_include", "CareTeam:participant"),),
    ),
    RecordKind.RENEWAL_REQUEST: KindSpec(
        "Task",
        per_resource("Task", mapping.renewal),
        lambda _f: _task_params("renewal"),
        date_param="authored-on",
        keyset=True,
    ),
    # Slots belong to no patient: sorted soonest first, filtered by service and `start` window.
    RecordKind.SLOT: KindSpec(
        "Slot",
        per_resource("Slot", mapping.slot),
        _slot_params,
        date_param="start",
        patient_param=None,
        ascending=True,
        get_params=(("_include", "Slot:schedule"),),
    ),
}
