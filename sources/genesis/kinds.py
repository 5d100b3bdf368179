"""What GENESIS's FHIR API serves, kind by kind: the shared clinical plans plus its own (messages,
renewal requests and questionnaire assignments come from its patient portal: `sources/genesis/portal/`)."""

from __future__ import annotations

from ..base import Filters
from ..fhir.client import Params
from ..fhir.kinds import CLINICAL_KINDS, KindSpec, per_resource
from ..fhir.values import SERVICE_CATEGORY, SERVICE_CODES
from ..records import CareService, RecordKind
from . import mapping

__all__ = ["GENESIS_KINDS"]


def _slot_params(f: Filters) -> Params:
    out: list[tuple[str, str]] = [("status", "free"), ("_include", "Slot:schedule")]
    if f.service is CareService.OTHER:
        out += [("service-category:not", f"{SERVICE_CATEGORY}|{c}") for c in SERVICE_CODES.values()]
    elif f.service is not None:
        out.append(("service-category", f"{SERVICE_CATEGORY}|{SERVICE_CODES[f.service]}"))
    return out


GENESIS_KINDS: dict[RecordKind, KindSpec] = {
    **{RecordKind(k): spec for k, spec in CLINICAL_KINDS.items()},
    RecordKind.QUESTIONNAIRE: KindSpec(
        "Questionnaire", per_resource("Questionnaire", mapping.questionnaire), patient_param=None
    ),
    RecordKind.CARE_TEAM: KindSpec(
        "CareTeam",
        per_resource("CareTeam", mapping.care_team),
        lambda _f: [("_include", "CareTeam:participant")],
        get_params=(("_include", "CareTeam:participant"),),
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
