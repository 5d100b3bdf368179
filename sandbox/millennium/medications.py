"""`POST /MedicationRequest` records a patient-reported (documented) medication only, and `PATCH`
stops or cancels one (clinical/medications/medication-request.md; medication_request*.yaml)."""

from __future__ import annotations

from sandbox.fhir.messages import FhirRequest, FhirResponse

from .errors import Unprocessable
from .patch import parse_patch
from .versions import check_if_match, save
from .writing import Resource, WriteContext, answer, body_of, existing, ref_id

__all__ = ["create_medication_request", "patch_medication_request"]

# the body fields the Create table lists; others are ignored ("Unsupported fields are ignored")
_KEPT = ("status", "intent", "doNotPerform", "reportedBoolean", "medicationCodeableConcept", "subject",
         "encounter", "note", "dosageInstruction", "dispenseRequest", "substitution")  # fmt: skip


async def create_medication_request(ctx: WriteContext, request: FhirRequest) -> FhirResponse:
    body = body_of(request, "MedicationRequest")
    if body.get("status") != "active":
        raise Unprocessable("a new MedicationRequest's status must be active")
    if body.get("intent") not in ("order", "plan"):
        raise Unprocessable("MedicationRequest.intent must be order or plan")
    if body.get("reportedBoolean") is not True:
        raise Unprocessable("only patient-reported medications can be created: reportedBoolean must be true")
    if body.get("doNotPerform", False) is not False:
        raise Unprocessable("MedicationRequest.doNotPerform, if given, must be false")
    _check_medication(body)
    pid = ref_id(body.get("subject"), "Patient")
    if pid is None or ctx.store.get("Patient", pid) is None:
        raise Unprocessable("MedicationRequest.subject must be a known Patient")
    dosage = body.get("dosageInstruction")
    if dosage is not None and (not isinstance(dosage, list) or len(dosage) > 1):
        raise Unprocessable("MedicationRequest.dosageInstruction can be given once only")
    stored = {"resourceType": "MedicationRequest", "id": ctx.ids.new("MedicationRequest"),
              **{k: body[k] for k in _KEPT if k in body}}  # fmt: skip
    return answer(ctx, 201, save(ctx.store, stored, created=True), location=True)


def _check_medication(body: Resource) -> None:
    med = body.get("medicationCodeableConcept")
    if not isinstance(med, dict):
        raise Unprocessable("MedicationRequest.medication must be a CodeableConcept")
    codings = med.get("coding") or []
    coded = len(codings) == 1 and isinstance(codings[0], dict) and codings[0].get("system") and codings[0].get("code")
    if not (isinstance(med.get("text"), str) and med["text"].strip()) and not coded:
        raise Unprocessable("the medication needs text, or one coding with a system and a code")


async def patch_medication_request(ctx: WriteContext, request: FhirRequest, mid: str) -> FhirResponse:
    """`replace /status` to stopped or cancelled, for documented (patient-reported) medications."""
    current = existing(ctx.store, "MedicationRequest", mid)
    with ctx.locks.hold(("MedicationRequest", mid)):
        check_if_match(request, current)
        (op, *more) = parse_patch(request, {("replace", "/status")})
        if more or op.value not in ("stopped", "cancelled"):
            raise Unprocessable("a MedicationRequest's status can be patched to stopped or cancelled only")
        if current.get("reportedBoolean") is not True or current.get("intent") != "order":
            raise Unprocessable("only historical documented medications can have their status updated")
        stored = save(ctx.store, {**current, "status": op.value})
    return answer(ctx, 200, stored)
