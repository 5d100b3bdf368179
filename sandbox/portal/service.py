"""`PortalService`: the MHS GENESIS patient-portal services the public FHIR API does not offer.

Served by the GENESIS sandbox under `/portal/v1` (docs/portal.md): secure messages between a
patient and their care team, prescription renewal requests, questionnaire assignments and their
answers. The resources keep today's FHIR shapes (Communication, Task, QuestionnaireResponse);
the API around them is the portal's own:

    GET  metadata                          what the service offers (no token needed)
    GET  messages?patient=a,b              every message of these patients (roots and replies)
    GET  messages?thread=t1,t2[&patient=]  threads by root id: the root and its replies
    GET  messages?id=a,b                   messages by id
    POST messages                          a new thread (topic, CareTeam recipient) or a reply (partOf)
    GET  renewals?patient=a,b | ?id=a,b | ?request=<Idempotency-Key>
    POST renewals                          a renewal request (a Task)
    GET  assignments?patient=a,b | ?id=a,b
    POST assignments/{id}/answers          a QuestionnaireResponse; completes the assignment

Every write carries `Idempotency-Key`: the same key again answers 200 with what the first wrote.
Searches answer `{"items": [...]}`; errors `{"error": <code>, "message": ...}`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from sandbox.fhir.admin import FaultState
from sandbox.fhir.auth import OAuthError
from sandbox.fhir.outcome import FhirError
from sandbox.fhir.parts import GrantOf, ScopeCheck
from sandbox.fhir.paths import reference_key
from sandbox.fhir.store import ResourceStore, now_instant

from .features import FEATURES, PORTAL_SCOPES
from .owners import owned_by

__all__ = ["PORTAL_PREFIX", "PortalError", "PortalService"]

PORTAL_PREFIX = "/portal/v1"
KEY_SYSTEM = "urn:mhs:portal-idempotency-key"  # where a write's Idempotency-Key is kept
Resource = dict[str, Any]
_TASK_CODE = "urn:mhs:task-code"


class PortalError(Exception):
    """An error answer: HTTP `status`, a stable `code`, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message
        super().__init__(f"{status} {code}: {message}")


class PortalService:
    """The portal's data and routes. `offers` limits the features served (tests of discovery);
    a feature not offered answers 404 and is left out of `metadata`."""

    name = "portal"
    prefix = PORTAL_PREFIX

    def __init__(self, resources: Iterable[Resource], *, offers: Collection[str] | None = None) -> None:
        self.store = ResourceStore(resources)
        self.offers = frozenset(FEATURES) if offers is None else frozenset(offers)
        unknown = self.offers - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown portal features: {sorted(unknown)}")
        self.faults = FaultState()  # the portal's own faults, beside the server's
        self.token_url = ""

    # ---- scopes and routes --------------------------------------------------------------------

    def grant_scopes(self, base: ScopeCheck) -> ScopeCheck:
        """A token policy's scope check that also grants the portal's named scopes."""

        def grant(requested: Sequence[str]) -> frozenset[str]:
            portal = [s for s in requested if s.startswith("portal/")]
            for scope in portal:
                if scope not in PORTAL_SCOPES:
                    raise OAuthError("invalid_scope", f"the scope {scope} is not supported")
            rest = [s for s in requested if not s.startswith("portal/")]
            return frozenset(portal) | (base(rest) if rest or not portal else frozenset())

        return grant

    def routes(self, grant_of: GrantOf) -> list[web.RouteDef]:
        """The `/portal/v1` routes; every one but `metadata` needs a bearer token."""

        Handler = Callable[[web.Request], Any]

        def guarded(scope: str, feature: str | None, call: Handler) -> Handler:
            async def handler(request: web.Request) -> web.Response:
                try:
                    grant = grant_of(request.headers.get("Authorization"))
                    if feature is not None:
                        self._check_offered(feature)
                    if scope not in grant.scopes:
                        raise PortalError(403, "forbidden", f"the token's scopes do not include {scope}")
                    response: web.Response = await call(request)
                    return response
                except PortalError as exc:
                    return _error(exc.status, exc.code, exc.message)
                except FhirError as exc:
                    return _error(exc.status, "unauthorized" if exc.status == 401 else "forbidden", str(exc))

            return handler

        p, read, write = PORTAL_PREFIX, ".read", ".write"
        return [
            web.get(f"{p}/metadata", self._metadata),
            web.get(f"{p}/messages", guarded("portal/messages" + read, "messages.read", self._messages)),
            web.post(f"{p}/messages", guarded("portal/messages" + write, None, self._send)),  # send or reply
            web.get(f"{p}/renewals", guarded("portal/renewals" + read, "renewals.read", self._renewals)),
            web.post(f"{p}/renewals", guarded("portal/renewals" + write, "renewals.request", self._request_renewal)),
            web.get(f"{p}/assignments", guarded("portal/questionnaires" + read, "questionnaires.read",
                                                self._assignments)),
            web.post(f"{p}/assignments/{{id}}/answers", guarded("portal/questionnaires" + write,
                                                               "questionnaires.answer", self._answer)),
        ]  # fmt: skip

    async def _metadata(self, _: web.Request) -> web.Response:
        features = [{"name": f, "scope": FEATURES[f]} for f in sorted(self.offers)]
        body = {
            "service": "MHS GENESIS patient portal (sandbox)",
            "version": "v1",
            "features": features,
            "token_endpoint": self.token_url,
            "scopes_supported": list(PORTAL_SCOPES),
        }
        return web.json_response(body)

    # ---- messages -----------------------------------------------------------------------------

    async def _messages(self, request: web.Request) -> web.Response:
        q = _one_of(request, ("patient", "thread", "id"))
        patients = _ids(request.query.get("patient"))
        found = self.store.all("Communication")
        if patients:
            found = owned_by(self.store, "Communication", "subject", patients)
        if "thread" in q:
            threads = _ids(q["thread"])
            found = [c for c in found if _root_of(c) in threads]
        elif "id" in q:
            wanted = _ids(q["id"])
            found = [c for c in found if c["id"] in wanted]
        return _items(found)

    async def _send(self, request: web.Request) -> web.Response:
        body, key = await _write_input(request, "Communication")
        async with self.store.lock:
            earlier = self._written("Communication", key)
            if earlier is not None:
                return web.json_response(earlier, status=200)
            patient = _ref_id(body.get("subject"), "Patient")
            if not patient or _ref_id(body.get("sender"), "Patient") != patient:
                raise PortalError(422, "invalid", "a patient writes as themself: sender must be the subject")
            if not _text(body):
                raise PortalError(422, "invalid", "payload[0].contentString is required")
            root_id = next((r for p in body.get("partOf") or () if (r := _ref_id(p, "Communication"))), None)
            if root_id is None:
                self._check_offered("messages.send")
                if not (body.get("topic") or {}).get("text") or not body.get("recipient"):
                    raise PortalError(422, "invalid", "a new thread needs topic.text and a recipient")
            else:
                self._check_offered("messages.reply")
                root = self.store.get("Communication", root_id)
                if root is None or root.get("partOf") or _ref_id(root.get("subject"), "Patient") != patient:
                    raise PortalError(404, "not-found", "no such thread of this patient")
            stored = self.store.put(_keyed({**body, "id": f"msg-{uuid.uuid4()}"}, key))
        return web.json_response(stored, status=201)

    # ---- renewals -----------------------------------------------------------------------------

    async def _renewals(self, request: web.Request) -> web.Response:
        q = _one_of(request, ("patient", "id", "request"))
        found = [t for t in self._tasks(q) if _task_code(t) == "renewal"]
        return _items(self._select(found, q, "for"))

    async def _request_renewal(self, request: web.Request) -> web.Response:
        body, key = await _write_input(request, "Task")
        async with self.store.lock:
            earlier = self._written("Task", key)
            if earlier is not None:
                return web.json_response(earlier, status=200)
            if _task_code(body) != "renewal" or not _ref_id(body.get("for"), "Patient"):
                raise PortalError(422, "invalid", "a renewal request is a Task with code renewal for a Patient")
            if not _ref_id(body.get("focus"), "MedicationRequest"):
                raise PortalError(422, "invalid", "focus must name the MedicationRequest")
            stored = self.store.put(_keyed({**body, "id": f"rnw-{uuid.uuid4()}", "status": "requested"}, key))
        return web.json_response(stored, status=201)

    # ---- questionnaires -----------------------------------------------------------------------

    async def _assignments(self, request: web.Request) -> web.Response:
        q = _one_of(request, ("patient", "id"))
        found = [t for t in self._tasks(q) if _task_code(t) == "questionnaire"]
        found = self._select(found, q, "for")
        if request.query.get("status"):
            found = [t for t in found if t.get("status") in _ids(request.query["status"])]
        return _items(found)

    async def _answer(self, request: web.Request) -> web.Response:
        body, key = await _write_input(request, "QuestionnaireResponse")
        task_id = request.match_info["id"]
        async with self.store.lock:
            task = self.store.get("Task", task_id)
            patient = _ref_id(body.get("subject"), "Patient")
            if task is None or _task_code(task) != "questionnaire" or _ref_id(task.get("for"), "Patient") != patient:
                raise PortalError(404, "not-found", "no such assignment of this patient")
            if task.get("status") == "completed":
                answered = self._written("QuestionnaireResponse", key)
                if answered is not None and _output_of(task) == answered["id"]:
                    return web.json_response(task, status=200)
                raise PortalError(409, "already-completed", "the assignment is already completed")
            if task.get("status") != "requested":
                raise PortalError(409, "already-completed", f"the assignment is {task.get('status')}")
            if not isinstance(body.get("item"), list):
                raise PortalError(422, "invalid", "item is required")
            response = {**body, "id": f"qr-{uuid.uuid4()}", "status": "completed",
                        "basedOn": [{"reference": f"Task/{task_id}"}]}  # fmt: skip
            stored_response = self.store.put(_keyed(response, key))
            completed = {
                **task,
                "status": "completed",
                "lastModified": body.get("authored") or now_instant(),
                "output": [{"type": {"text": "QuestionnaireResponse"},
                            "valueReference": {"reference": f"QuestionnaireResponse/{stored_response['id']}"}}],
            }  # fmt: skip
            stored, _ = self.store.update(completed, task_id)
        return web.json_response(stored, status=200)

    # ---- shared -------------------------------------------------------------------------------

    def _check_offered(self, feature: str) -> None:
        if feature not in self.offers:
            raise PortalError(404, "not-offered", f"this portal does not offer {feature}")

    def _written(self, resource_type: str, key: str) -> Resource | None:
        """What an earlier write with this Idempotency-Key stored, if any."""
        return next((r for r in self.store.all(resource_type) if _key_of(r) == key), None)

    def _tasks(self, q: Mapping[str, str]) -> list[Resource]:
        """The Tasks a search may select from: the patients' own when it names them."""
        return owned_by(self.store, "Task", "for", _ids(q["patient"])) if "patient" in q else self.store.all("Task")

    def _select(self, found: list[Resource], q: Mapping[str, str], owner: str) -> list[Resource]:
        if "id" in q:
            wanted = _ids(q["id"])
            found = [r for r in found if r["id"] in wanted]
        if "request" in q:
            found = [r for r in found if _key_of(r) == q["request"]]
        if "patient" in q:
            patients = _ids(q["patient"])
            found = [r for r in found if _ref_id(r.get(owner), "Patient") in patients]
        return found


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def _items(found: list[Resource]) -> web.Response:
    return web.json_response({"items": found, "total": len(found)})


def _ids(text: str | None) -> set[str]:
    return {v for v in (text or "").split(",") if v}


def _one_of(request: web.Request, names: tuple[str, ...]) -> dict[str, str]:
    """The selecting parameters: each once; `patient` alone or narrowing one other; 400 otherwise."""
    unknown = set(request.query) - {*names, "status"}
    if unknown:
        raise PortalError(400, "invalid", f"unknown parameters: {', '.join(sorted(unknown))}")
    if any(len(request.query.getall(n)) != 1 for n in request.query):
        raise PortalError(400, "invalid", "each parameter is given once (a comma list is fine)")
    given = {n: request.query[n] for n in names if request.query.get(n)}
    if not given or len([n for n in given if n != "patient"]) > 1:
        raise PortalError(400, "invalid", f"give one of {', '.join(names)} (and perhaps patient)")
    return given


async def _write_input(request: web.Request, resource_type: str) -> tuple[Resource, str]:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200:
        raise PortalError(400, "invalid", "an Idempotency-Key header (at most 200 characters) is required")
    try:
        body = json.loads(await request.read())
    except ValueError as exc:
        raise PortalError(400, "invalid", "the body is not JSON") from exc
    if not isinstance(body, dict) or body.get("resourceType") != resource_type:
        raise PortalError(422, "invalid", f"the body must be a {resource_type}")
    return body, key


def _keyed(resource: Resource, key: str) -> Resource:
    """The resource with the write's Idempotency-Key among its identifiers."""
    given = resource.get("identifier")
    idents = [i for i in given if isinstance(i, dict)] if isinstance(given, list) else []
    return {**resource, "identifier": [*idents, {"system": KEY_SYSTEM, "value": key}]}


def _key_of(resource: Mapping[str, Any]) -> str | None:
    idents = resource.get("identifier")
    for ident in idents if isinstance(idents, list) else ():
        if isinstance(ident, dict) and ident.get("system") == KEY_SYSTEM:
            return str(ident.get("value"))
    return None


def _ref_id(reference: Any, resource_type: str) -> str | None:
    key = reference_key(reference)
    return key[1] if key and key[0] == resource_type else None


def _root_of(c: Mapping[str, Any]) -> str:
    for part in c.get("partOf") or ():
        root = _ref_id(part, "Communication")
        if root:
            return root
    return str(c.get("id"))


def _text(c: Mapping[str, Any]) -> str:
    for payload in c.get("payload") or ():
        if isinstance(payload, dict) and isinstance(payload.get("contentString"), str):
            return str(payload["contentString"]).strip()
    return ""


def _task_code(task: Mapping[str, Any]) -> str | None:
    for coding in (task.get("code") or {}).get("coding") or ():
        if isinstance(coding, dict) and coding.get("system") == _TASK_CODE:
            return str(coding.get("code"))
    return None


def _output_of(task: Mapping[str, Any]) -> str | None:
    for output in task.get("output") or ():
        found = _ref_id((output or {}).get("valueReference"), "QuestionnaireResponse")
        if found:
            return found
    return None
