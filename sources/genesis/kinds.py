"""What GENESIS's FHIR API serves, kind by kind: one entry per Millennium read plan (`plans.py`
says how each is searched; messages, renewal requests and questionnaire assignments come from the
patient portal: `sources/genesis/portal/`)."""

from __future__ import annotations

from ..fhir.kinds import KindSpec
from ..records import RecordKind
from .plans import MILLENNIUM_PLANS

__all__ = ["GENESIS_KINDS"]

# The record kinds and their resource types (for what the source provides and what its
# CapabilityStatement must offer); `GenesisSource` searches them by `MILLENNIUM_PLANS`.
GENESIS_KINDS: dict[RecordKind, KindSpec] = {
    kind: KindSpec(plan.resource_type, plan.records, patient_param=plan.patient_param)
    for kind, plan in MILLENNIUM_PLANS.items()
}
