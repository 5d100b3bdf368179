"""The Millennium API of one server: each request routed to the interaction the CapabilityStatement
offers for its resource type, or refused as Millennium refuses it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sandbox.fhir.interactions import Authorize
from sandbox.fhir.messages import FhirRequest, FhirResponse
from sandbox.fhir.outcome import FhirError
from sandbox.fhir.store import ResourceStore

from .appointment_create import create_appointment
from .appointment_patch import patch_appointment
from .catalog import rules_for
from .communications import create_communication, patch_communication
from .errors import NotSupported, Unknown, reshaped
from .ids import IdMint
from .medications import create_medication_request, patch_medication_request
from .questionnaires import update_questionnaire_response
from .reads import check_accept, read
from .rules import Interaction, TypeRules
from .searching import search_bundle
from .slot_patch import patch_slot
from .versions import Locks
from .writing import WriteContext

__all__ = ["MillenniumApi"]

Create = Callable[[WriteContext, FhirRequest], Awaitable[FhirResponse]]
Change = Callable[[WriteContext, FhirRequest, str], Awaitable[FhirResponse]]

_CREATE: dict[str, Create] = {
    "Appointment": create_appointment,
    "Communication": create_communication,
    "MedicationRequest": create_medication_request,
}
_PATCH: dict[str, Change] = {
    "Appointment": patch_appointment,
    "Slot": patch_slot,
    "Communication": patch_communication,
    "MedicationRequest": patch_medication_request,
}
_UPDATE: dict[str, Change] = {"QuestionnaireResponse": update_questionnaire_response}


class MillenniumApi:
    """Interactions as `/metadata` lists them; every error answered in Millennium's shape."""

    def __init__(self, store: ResourceStore, *, writable: bool, locks: Locks) -> None:
        self.store = store
        self.writable = writable
        self.match_enabled = False  # Millennium offers no Patient/$match
        self._ctx = WriteContext(store, "", locks, IdMint(store))

    @property
    def base_url(self) -> str:
        return self._ctx.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._ctx.base_url = value

    async def handle(self, request: FhirRequest, authorize: Authorize) -> FhirResponse:
        try:
            return await self._route(request, authorize)
        except FhirError as exc:
            raise reshaped(exc) from exc

    async def _route(self, request: FhirRequest, authorize: Authorize) -> FhirResponse:
        seg, method = request.segments, request.method.upper()
        if not seg:
            raise NotSupported("batch and transaction Bundles are not supported; send each request on its own")
        rules = rules_for(seg[0])
        if rules is None:
            raise Unknown(f"{seg[0]} is not a resource type this server offers")
        check_accept(request, rules.resource_type)
        if len(seg) == 1 and method == "GET":
            self._offers(rules, "search-type", "search")
            authorize(rules.resource_type, False)
            body = search_bundle(self.store, rules, request.query, self.base_url, authorize)
            return FhirResponse(200, body)
        if len(seg) == 1 and method == "POST":
            self._may_write(rules, "create", method, authorize)
            return await _CREATE[rules.resource_type](self._ctx, request)
        if len(seg) == 2 and seg[1][:1] in ("_", "$"):
            raise NotSupported(f"{seg[0]}/{seg[1]} is not supported")
        if len(seg) == 2 and method == "GET":
            self._offers(rules, "read", "read")
            authorize(rules.resource_type, False)
            return read(self.store, rules.resource_type, seg[1], request, self.base_url, authorize)
        if len(seg) == 2 and method in ("PUT", "PATCH"):
            interaction: Interaction = "update" if method == "PUT" else "patch"
            self._may_write(rules, interaction, method, authorize)
            handlers = _UPDATE if method == "PUT" else _PATCH
            return await handlers[rules.resource_type](self._ctx, request, seg[1])
        if len(seg) > 2:
            raise Unknown("no such endpoint")
        raise NotSupported(f"{method} is not supported on {seg[0]}")

    def _may_write(self, rules: TypeRules, interaction: Interaction, verb: str, authorize: Authorize) -> None:
        self._offers(rules, interaction, verb)
        if not self.writable:
            raise NotSupported("this server is read-only")
        authorize(rules.resource_type, True)

    @staticmethod
    def _offers(rules: TypeRules, interaction: Interaction, verb: str) -> None:
        if interaction in rules.interactions:
            return
        hint = "; use PATCH" if interaction == "update" and "patch" in rules.interactions else ""
        raise NotSupported(f"{verb} is not supported on {rules.resource_type}{hint}")
