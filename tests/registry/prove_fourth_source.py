"""Run inside a scratch copy that registered `sources/va`: the gateway, unchanged, serves it.

`python -m tests.registry.prove_fourth_source ADMIN_DSN` exits 0 when a VA facility's records are
merged into P1's record, ranked after the other sources (a lab the VA also holds comes back once,
from GENESIS, with `alsoIn: [VA]`), and VA is covered in `sourceCoverage` and `sources`.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import sources
from gateway.app import create_app
from gateway.config import Config
from gateway.demo.stack import DemoStack
from sandbox.fhir import FhirServer, make_client_keypair
from tests.support.gql import gql
from tests.support.servers import serve

DOD_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
QUERY = """{ me { sourceCoverage { source state }
  labResults(first: 100) { edges { node { provenance { source sourceId alsoIn } } } } }
  sources { source state } }"""


def _va_records(stack: DemoStack) -> tuple[list[dict[str, Any]], str]:
    """P1 at the VA by DoD ID, one lab of the VA's own, and a copy of one of P1's GENESIS labs."""
    p1 = stack.data.personas["P1"]
    genesis_labs = [r for r in stack.data.genesis if r["resourceType"] == "Observation"
                    and r.get("subject", {}).get("reference") == f"Patient/{p1.genesis_patient_id}"
                    and r.get("valueQuantity") and r.get("effectiveDateTime")]
    shared = copy.deepcopy(genesis_labs[0])
    shared["id"], shared["subject"] = "va-shared", {"reference": "Patient/va-p1"}
    own = copy.deepcopy(genesis_labs[0])
    own.update(id="va-own", subject={"reference": "Patient/va-p1"}, effectiveDateTime="2020-02-02T09:00:00+00:00")
    own["identifier"] = [{"system": "urn:mhs:lab-accession", "value": "VA-ONLY-1"}]
    patient = {"resourceType": "Patient", "id": "va-p1", "identifier": [{"system": DOD_SYSTEM, "value": p1.dod_id}],
               "name": [{"family": "Veteran", "given": ["Pat"]}], "birthDate": "1990-01-01", "gender": "female"}
    return [patient, shared, own], genesis_labs[0]["id"]


async def _prove(admin_dsn: str) -> dict[str, Any]:
    pem, jwk, kid = make_client_keypair()
    async with DemoStack(port=0, database_url=admin_dsn, fresh_databases=True, today=dt.date.today()) as stack:
        resources, shared_genesis_id = _va_records(stack)
        va = FhirServer(name="va", resources=resources, clients={"gateway": jwk}, writable=False)
        await va.start(host="127.0.0.1", port=0)
        try:
            env = {"MHS_GATEWAY_MODE": "demo", "MHS_GATEWAY_ISSUER": "x", "MHS_GATEWAY_AUDIENCE": "x",
                   "MHS_GATEWAY_JWKS_URL": "http://127.0.0.1:9/jwks", "MHS_GATEWAY_VA_URL": va.base_url,
                   "MHS_GATEWAY_VA_TOKEN_URL": va.token_url, "MHS_GATEWAY_VA_CLIENT_ID": "gateway",
                   "MHS_GATEWAY_VA_KEY_ID": kid, "MHS_GATEWAY_VA_PRIVATE_KEY": pem}
            added = Config.from_env(env).sources  # the gateway's own config loader finds it
            config = dataclasses.replace(stack.config, sources=stack.config.sources + added)
            async with serve(create_app(config)) as url:
                status, body = await gql(f"{url}/graphql", QUERY, token=stack.personas["P1"].token)
        finally:
            await va.stop()
    return {"status": status, "body": body, "added": [c.name for c in added], "shared": shared_genesis_id}


def _check(found: dict[str, Any]) -> list[str]:
    problems = []
    body = found["body"]
    if found["added"] != ["VA"] or found["status"] != 200 or "errors" in body:
        return [f"not served: {json.dumps(found)[:2000]}"]
    coverage = [c["source"] for c in body["data"]["me"]["sourceCoverage"]]
    if coverage != ["GENESIS", "COMMUNITY", "TOL_ARCHIVE", "VA"]:
        problems.append(f"coverage (by rank) is {coverage}")
    if {"source": "VA", "state": "OK"} not in body["data"]["sources"]:
        problems.append("VA missing from `sources`")
    labs = [e["node"]["provenance"] for e in body["data"]["me"]["labResults"]["edges"]]
    if not any(p["source"] == "VA" and p["sourceId"] == "va-own" for p in labs):
        problems.append("the VA's own lab is not merged in")
    shared = [p for p in labs if p["sourceId"] in (found["shared"], "va-shared")]
    if len(shared) != 1 or shared[0]["source"] != "GENESIS" or shared[0]["alsoIn"][-1:] != ["VA"]:
        problems.append(f"the lab both hold is not ranked and merged once: {shared}")
    return problems


def main() -> int:
    if not Path(sources.__file__).resolve().is_relative_to(Path.cwd().resolve()):
        print(f"sources imported from {sources.__file__}, not from this copy", file=sys.stderr)
        return 2
    problems = _check(asyncio.run(_prove(sys.argv[1])))
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
