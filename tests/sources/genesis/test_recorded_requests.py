"""Every example operation and every appointment mutation, run through the gateway against the
Millennium sandbox: the sandbox's request recorder shows that nothing sent to GENESIS uses an
undocumented parameter (one its own CapabilityStatement does not list), a multi-valued
identifier, a batch Bundle, `_sort` / `_total`, a wildcard scope, `If-None-Exist` or a PUT; and
every resource the gateway writes is valid FHIR (`fhir.resources` R4B)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import aiohttp
import pytest_asyncio
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.reference import Reference

from tests.operations.test_operations import OPERATIONS, QUERIES, _variables
from tests.support.analysts import wait_for_mart
from tests.support.gql import gql
from tests.support.limits import GENEROUS_LIMITS

if TYPE_CHECKING:
    from gateway.demo.stack import DemoStack

FORBIDDEN_PARAMS = frozenset({"_sort", "_total", "_summary", "_elements", "_has", "_contained"})
PAGING = frozenset({"-pageContext", "-pageDirection"})  # the server's own `next` links add these
PATCHES: dict[str, type[Any]] = {"/cancelationReason": CodeableConcept}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(pg_admin_dsn: str) -> AsyncIterator[DemoStack]:
    from gateway.demo.stack import DemoStack

    async with DemoStack(port=0, database_url=pg_admin_dsn, fresh_databases=True, today=dt.date.today(),
                         extra_patients=12, gateway_env=GENEROUS_LIMITS, mart_refresh=3600) as running:
        yield running


async def _admin(stack: DemoStack, method: str, path: str) -> Any:
    async with aiohttp.ClientSession() as http, http.request(method, stack.info()["admin"]["genesis"] + path) as resp:
        assert resp.status < 300
        return await resp.json() if method == "GET" else None


async def _metadata(stack: DemoStack) -> dict[str, dict[str, set[str]]]:
    """Per type: the search parameters, includes and revincludes GENESIS says it takes."""
    async with aiohttp.ClientSession() as http, http.get(f"{stack.genesis.base_url}/metadata") as resp:
        statement = await resp.json()
    return {
        r["type"]: {
            "params": {p["name"] for p in r.get("searchParam") or ()},
            "_include": set(r.get("searchInclude") or ()),
            "_revinclude": set(r.get("searchRevInclude") or ()),
        }
        for r in statement["rest"][0]["resource"]
    }


async def _run(stack: DemoStack, name: str, persona: str, **variables: Any) -> dict[str, Any]:
    operation = OPERATIONS[name]
    token = stack.info()["tokens"][persona]
    status, body = await gql(stack, operation.text, {**_variables(operation), **variables}, token=token)
    assert status == 200, body
    return dict(body)


def _problems(request: dict[str, Any], documented: dict[str, dict[str, set[str]]]) -> list[str]:
    """What is wrong with one recorded request to GENESIS (nothing, for a documented one)."""
    method, path, query = request["method"], request["path"], list(request["query"])
    headers = {k.lower(): v for k, v in request["headers"].items()}
    where = f"{method} {path}?{request['query_string']}"
    if path.endswith("/auth/token"):
        form = request["form"] or {}
        scopes = str(form.get("scope", "") if isinstance(form, dict) else dict(parse_qsl(str(form))).get("scope", ""))
        bad = [s for s in scopes.split() if "*" in s or not s.startswith("system/")]
        missing = [] if scopes else [f"{where}: no scope"]
        return [f"{where}: scope {s} is not a named system scope" for s in bad] + missing
    segments = [s for s in path.split("/fhir", 1)[-1].split("/") if s]
    out: list[str] = []
    if method in ("PUT", "DELETE"):
        out.append(f"{where}: {method}")
    if method == "POST" and segments != ["Appointment"]:
        out.append(f"{where}: a POST other than Appointment create (a batch Bundle at the base?)")
    if "if-none-exist" in headers:
        out.append(f"{where}: If-None-Exist")
    if method == "PATCH" and ("if-match" not in headers or "json-patch" not in headers.get("content-type", "")):
        out.append(f"{where}: a PATCH without If-Match or JSON Patch")
    if request["status"] is None or request["status"] >= 400:
        out.append(f"{where}: answered {request['status']}")
    if not segments or segments[0].startswith("$") or segments[0] in ("bulk-export", "Group", "metadata"):
        return out  # bulk export (the mart's job) and the statement: no search parameters
    rules = documented.get(segments[0], {"params": set(), "_include": set(), "_revinclude": set()})
    for name, value in query:
        base = name.split(":", 1)[0]
        if name in FORBIDDEN_PARAMS or base in FORBIDDEN_PARAMS:
            out.append(f"{where}: {name}")
        elif name in ("_include", "_revinclude"):
            if value not in rules[name]:
                out.append(f"{where}: {name}={value} is not listed for {segments[0]}")
        elif name not in rules["params"] and name not in PAGING:
            out.append(f"{where}: {name} is not a documented parameter of {segments[0]}")
        if base == "identifier" and "," in value:
            out.append(f"{where}: a multi-valued identifier")
    if sum(1 for name, _ in query if name == "identifier") > 1:
        out.append(f"{where}: identifier given twice")
    return out


def _check_writes(requests: list[dict[str, Any]]) -> int:
    """Validate every resource (and patch value) the gateway wrote; how many were checked."""
    checked = 0
    for request in requests:
        if request["method"] == "POST" and request["path"].endswith("/Appointment"):
            resource = json.loads(request["body"])
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            checked += 1
        elif request["method"] == "PATCH":
            for op in json.loads(request["body"]):
                if op["path"] == "/slot":
                    for ref in op["value"]:
                        Reference.model_validate(ref)
                elif op["path"] == "/extension":
                    for ext in op["value"]:
                        Extension.model_validate(ext)
                elif op["path"] in PATCHES:
                    PATCHES[op["path"]].model_validate(op["value"])
            checked += 1
    return checked


def _key() -> str:
    return f"rec-{uuid.uuid4()}"


async def _recorded(stack: DemoStack) -> list[dict[str, Any]]:
    body = await _admin(stack, "GET", "/requests")
    requests: list[dict[str, Any]] = body["requests"]
    return [r for r in requests if not _portal(r)]


def _portal(request: dict[str, Any]) -> bool:
    """A request to the patient-portal service the sandbox also serves (not Millennium's FHIR API)."""
    if request["path"].startswith("/portal/"):
        return True
    form = request.get("form") or {}
    scopes = str(form.get("scope", "")).split() if isinstance(form, dict) else []
    return bool(scopes) and all(s.startswith("portal/") for s in scopes)  # the portal's own token


async def test_every_example_query_sends_genesis_only_documented_requests(stack: DemoStack) -> None:
    documented = await _metadata(stack)
    await wait_for_mart(stack)  # the startup export's bulk-file downloads would be recorded with an operation's
    await asyncio.sleep(1.0)  # and its clean-up (the job's DELETE) comes just after the snapshot
    seen = 0
    for operation, persona in QUERIES:
        if operation.name in ("MessageThread", "CohortMember"):
            continue  # need an id another operation hands out; their reads are those of the others
        await _admin(stack, "DELETE", "/requests")
        body = await _run(stack, operation.name, persona)
        assert "errors" not in body, (operation.name, persona, body)
        requests = await _recorded(stack)
        seen += len(requests)
        problems = [p for r in requests for p in _problems(r, documented)]
        assert not problems, (operation.name, persona, problems)
    assert seen > 50


async def test_every_appointment_mutation_writes_by_documented_interactions(stack: DemoStack) -> None:
    documented = await _metadata(stack)
    await _admin(stack, "DELETE", "/requests")
    slots = (await _run(stack, "Appointments", "P1"))["data"]["availableSlots"]
    booked = (await _run(stack, "BookAppointment", "P1", slotId=slots[0]["id"], key=_key()))["data"]
    assert booked["bookAppointment"]["userErrors"] == [], booked
    appointment = booked["bookAppointment"]["appointment"]["id"]
    moved = (await _run(stack, "RescheduleAppointment", "P1", appointmentId=appointment, slotId=slots[1]["id"],
                        key=_key()))["data"]  # fmt: skip
    assert moved["rescheduleAppointment"]["userErrors"] == [], moved
    cancelled = (await _run(stack, "CancelAppointment", "P1", appointmentId=appointment, key=_key()))["data"]
    assert cancelled["cancelAppointment"]["userErrors"] == [], cancelled

    requests = await _recorded(stack)
    problems = [p for r in requests for p in _problems(r, documented)]
    assert not problems, problems
    writes = [(r["method"], r["path"].split("/fhir", 1)[-1]) for r in requests
              if r["method"] != "GET" and not r["path"].endswith("/auth/token")]  # fmt: skip
    aid = writes[1][1].rsplit("/", 1)[-1] if len(writes) > 1 else "?"
    assert writes == [("POST", "/Appointment"), ("PATCH", f"/Appointment/{aid}"), ("PATCH", f"/Appointment/{aid}")]
    assert _check_writes(requests) == 3


async def test_the_portal_mutations_send_nothing_to_the_fhir_api_but_documented_reads(stack: DemoStack) -> None:
    """Renewal requests, messages and questionnaire answers go to the portal service; what they
    read from FHIR on the way (the prescription, the care team) is documented too."""
    documented = await _metadata(stack)
    await _admin(stack, "DELETE", "/requests")
    prescriptions = (await _run(stack, "Prescriptions", "P1"))["data"]["me"]["prescriptions"]["edges"]
    renewable = next(e["node"]["id"] for e in prescriptions if e["node"]["renewal"]["eligible"])
    renewed = (await _run(stack, "RequestRenewal", "P1", prescriptionId=renewable, key=_key()))["data"]
    assert renewed["requestPrescriptionRenewal"]["userErrors"] == [], renewed
    team = (await _run(stack, "WholeRecord", "P1"))["data"]["me"]["primaryCareTeam"]["id"]
    sent = (await _run(stack, "SendMessage", "P1", careTeamId=team, key=_key()))["data"]
    assert sent["sendSecureMessage"]["userErrors"] == [], sent
    requests = await _recorded(stack)
    assert requests and all(r["method"] == "GET" or r["path"].endswith("/auth/token") for r in requests)
    problems = [p for r in requests for p in _problems(r, documented)]
    assert not problems, problems
