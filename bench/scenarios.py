"""The scenarios: which server, which document, and the rotating list of requests wrk sends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sandbox.data.extras import FIRST_EXTRA_DOD_ID

from .load import HttpRequest
from .operations import Operation, load_operation, load_operations
from .servers import MESH_DIR, PEERS
from .stack import BenchStack

__all__ = ["PatientGroups", "Scenario", "build_scenarios"]

_PERSONA_IDS = ("1000000001", "1000000002", "1000000003", "1000000004")
_PANEL_SIZE = 20
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass(frozen=True)
class PatientGroups:
    """Who the scenarios sign in as, from how sandbox/data/extras.py spreads the extra patients:
    every extra is in GENESIS, even ones also in a community practice, i % 4 == 1 also in TOL, so
    i % 4 == 3 are GENESIS only (like P4); even ones have their care team at Bragg (C1's)."""

    everyone: tuple[str, ...]
    genesis_only: tuple[str, ...]
    at_bragg: tuple[str, ...]

    @classmethod
    def of(cls, extra_patients: int) -> PatientGroups:
        extras = [(i, str(FIRST_EXTRA_DOD_ID + i)) for i in range(extra_patients)]
        return cls(
            everyone=(*_PERSONA_IDS, *(d for _, d in extras)),
            genesis_only=("1000000004", *(d for i, d in extras if i % 4 == 3)),
            at_bragg=tuple(d for i, d in extras if i % 2 == 0),
        )


@dataclass(frozen=True)
class Scenario:
    """What one measured run sends: to which server, the document, the rotating requests."""

    key: str
    title: str
    server: str  # gateway | mesh | strawberry
    document: str
    requests: Sequence[HttpRequest]
    register: HttpRequest | None = None
    notes: str = ""
    signed_in_as: int = field(default=0)  # distinct tokens in the rotation


def _post(document: str, name: str, variables: dict[str, object], token: str | None) -> HttpRequest:
    headers = dict(_JSON)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": document, "operationName": name, "variables": variables})
    return HttpRequest("POST", "/graphql", headers, body)


def _apq_get(op: Operation, variables: dict[str, object], token: str) -> HttpRequest:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": op.sha256}}
    query = urlencode({"operationName": op.name, "variables": json.dumps(variables, separators=(",", ":")),
                       "extensions": json.dumps(extensions, separators=(",", ":"))})
    return HttpRequest("GET", f"/graphql?{query}", {"Authorization": f"Bearer {token}", "Accept": "application/json"})


def _apq_register(op: Operation, variables: dict[str, object], token: str) -> HttpRequest:
    body = json.dumps({"query": op.text, "operationName": op.name, "variables": variables,
                       "extensions": {"persistedQuery": {"version": 1, "sha256Hash": op.sha256}}})
    return HttpRequest("POST", "/graphql", {**_JSON, "Authorization": f"Bearer {token}"}, body)


def build_scenarios(stack: BenchStack, *, now: dt.datetime, lab_cursor: str | None) -> dict[str, Scenario]:
    """Every scenario, keyed; `lab_cursor` is the `after` of page 10 of P3's labs (None: skip it)."""
    ops = load_operations()
    groups = PatientGroups.of(stack.patients)
    when = now.astimezone(dt.UTC).replace(microsecond=0)
    now_var = {"now": when.isoformat().replace("+00:00", "Z")}
    tokens = {d: stack.patient_token(d) for d in groups.everyone}
    out: dict[str, Scenario] = {}

    home = ops["PortalHome"]
    out["portal_home"] = Scenario(
        "portal_home", "portal home, all three sources", "gateway", home.text,
        [_post(home.text, home.name, now_var, tokens[d]) for d in groups.everyone],
        signed_in_as=len(groups.everyone),
        notes="P1-P4 and every extra patient; each one's record asked of GENESIS, TOL and community",
    )
    genesis_doc = load_operation(PEERS / "PortalHomeGenesis.graphql")
    out["portal_genesis"] = Scenario(
        "portal_genesis", "portal home, GENESIS-only patients", "gateway", genesis_doc.text,
        [_post(genesis_doc.text, genesis_doc.name, now_var, tokens[d]) for d in groups.genesis_only],
        signed_in_as=len(groups.genesis_only),
    )
    mesh_doc = (MESH_DIR / "portal.graphql").read_text()
    until = (when + dt.timedelta(days=365)).isoformat().replace("+00:00", "Z")
    out["mesh_portal_genesis"] = Scenario(
        "mesh_portal_genesis", "portal home, GENESIS-only patients (peer)", "mesh", mesh_doc,
        [_post(mesh_doc, "PortalHomeGenesis", {"dodId": d, "from": now_var["now"], "to": until}, None)
         for d in groups.genesis_only],
        signed_in_as=0, notes="no sign-in, no access rules, no audit: Mesh forwards a static upstream token",
    )
    panel = ops["ClinicianPanel"]
    c1 = stack.persona_tokens["C1"]
    windows = [groups.at_bragg[i:i + _PANEL_SIZE] for i in range(0, len(groups.at_bragg) - _PANEL_SIZE + 1, 10)]
    if windows:
        out["clinician_panel"] = Scenario(
            "clinician_panel", "clinician panel, 20 patients a request", "gateway", panel.text,
            [_post(panel.text, panel.name, {f"p{i:02d}": d for i, d in enumerate(w)}, c1) for w in windows],
            signed_in_as=1, notes=f"C1 at Bragg; {len(windows)} windows of 20 over Bragg's extra patients",
        )
    if lab_cursor is not None:
        page = ops["LabHistoryPage"]
        out["deep_history"] = Scenario(
            "deep_history", "P3's labs, page 10 of 20", "gateway", page.text,
            [_post(page.text, page.name, {"after": lab_cursor}, stack.persona_tokens["P3"])], signed_in_as=1,
        )
    mobile = ops["MobileHome"]
    out["mobile_apq"] = Scenario(
        "mobile_apq", "mobile home by APQ hash (GET)", "gateway", mobile.text,
        [_apq_get(mobile, now_var, tokens[d]) for d in groups.everyone],
        register=_apq_register(mobile, now_var, tokens[groups.everyone[0]]),
        signed_in_as=len(groups.everyone),
        notes="hash only; a miss (each worker keeps its own store without REDIS_URL) re-registers",
    )
    typename = ops["Typename"]
    out["typename"] = Scenario(
        "typename", "{ __typename }, signed in", "gateway", typename.text,
        [_post(typename.text, typename.name, {}, tokens[d]) for d in groups.everyone],
        signed_in_as=len(groups.everyone),
    )
    out["strawberry_typename"] = Scenario(
        "strawberry_typename", "{ __typename } (plain strawberry)", "strawberry", typename.text,
        [_post(typename.text, typename.name, {}, None)], notes="parser and validation caches, nothing else",
    )
    return out
