"""`/metadata` and `.well-known/smart-configuration` as Millennium publishes them, built from the
same rules the server enforces (foundation/conformance/capability-statement.md)."""

from __future__ import annotations

from typing import Any

from .catalog import CATALOG
from .rules import Param, SearchRules, TypeRules
from .scopes import ALGORITHMS, SYSTEM_SCOPES

__all__ = ["capability_statement", "smart_configuration"]

_DESCRIPTION = "Cerner implementation of FHIR on top of Millennium"
_SMART = "http://terminology.hl7.org/CodeSystem/restful-security-service"
_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
_STANDARD = {"_id": "Resource-id", "_count": "Resource-count", "_lastUpdated": "Resource-lastUpdated"}


def capability_statement(name: str, base_url: str, token_url: str) -> dict[str, Any]:
    """The statement: no batch or transaction, and per type exactly what the server answers."""
    resources = [{"type": "CapabilityStatement", "interaction": [{"code": "read"}]}]
    resources += [_resource(rules) for rules in sorted(CATALOG.values(), key=lambda r: r.resource_type)]
    return {
        "resourceType": "CapabilityStatement",
        "url": f"{base_url}/metadata",
        "name": "CernerCapabilityStatement",
        "title": "Cerner Capability Statement",
        "status": "active",
        "date": "2023-11-21",
        "publisher": "Cerner",
        "description": f"{_DESCRIPTION} ({name} sandbox)",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server"],
        "implementation": {"description": _DESCRIPTION, "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json", "application/fhir+json"],
        "patchFormat": ["application/json-patch+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": _DESCRIPTION,
                "security": {
                    "extension": [{"url": _OAUTH_URIS, "extension": [{"url": "token", "valueUri": token_url}]}],
                    "cors": True,
                    "service": [
                        {
                            "coding": [{"system": _SMART, "code": "SMART-on-FHIR"}],
                            "text": "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org/).",
                        }
                    ],
                    "description": "OAuth2 plus SMART extensions",
                },
                "resource": resources,
            }
        ],
    }


def _resource(rules: TypeRules) -> dict[str, Any]:
    order = ("read", "search-type", "create", "update", "patch")
    out: dict[str, Any] = {"type": rules.resource_type}
    if rules.profiles:
        out["supportedProfile"] = list(rules.profiles)
    out["interaction"] = [{"code": i} for i in order if i in rules.interactions]
    if "update" in rules.interactions:
        out["updateCreate"] = False
    search = rules.search
    if search is None:
        return out
    if search.includes:
        out["searchInclude"] = sorted(search.includes)
    if search.revincludes:
        out["searchRevInclude"] = sorted(search.revincludes)
    out["searchParam"] = [_param(rules.resource_type, p, search) for p in search.params]
    if search.count is not None:
        count = search.count
        text = f"The maximum number of results in a page: {count.default} unless given, at most {count.maximum}."
        out["searchParam"].append(_entry(rules.resource_type, "_count", "number", text))
    return out


def _param(rtype: str, p: Param, search: SearchRules) -> dict[str, Any]:
    notes = ["A single or comma separated list." if p.lists else "A single value, given once."]
    groups = [g for g in search.required if p.name in g]
    if groups and len(search.required) > 1:
        notes.append("Required unless one of these is given: " + "; ".join(
            ", ".join(sorted(g)) for g in search.required if p.name not in g) + ".")  # fmt: skip
    elif groups:
        notes.append("Required.")
    if p.name in search.needs:
        notes.append("Must be set with one of: " + ", ".join(sorted(search.needs[p.name])) + ".")
    if p.dates is not None and p.dates.max_times == 2:
        notes.append(
            f"Once ({', '.join(x or 'no prefix' for x in sorted(p.dates.once)) or 'never'}) or twice as a "
            f"closed range ({'/'.join(sorted(p.dates.lower))} and {'/'.join(sorted(p.dates.upper))})."
        )
    if p.modifiers:
        notes.append("Modifiers: " + ", ".join(f":{m}" for m in sorted(p.modifiers)) + ".")  # fmt: skip
    return _entry(rtype, p.name, p.kind, " ".join(notes))


def _entry(rtype: str, name: str, kind: str, documentation: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if name in _STANDARD:
        out["definition"] = f"http://hl7.org/fhir/R4/SearchParameter/{_STANDARD[name]}"
    elif not name.startswith("-") and "." not in name:
        out["definition"] = f"http://hl7.org/fhir/R4/SearchParameter/{rtype}-{name}"
    out.update({"type": kind, "documentation": documentation})
    return out


def smart_configuration(token_url: str) -> dict[str, Any]:
    """The SMART configuration's backend-services part: client credentials with a signed JWT."""
    return {
        "token_endpoint": token_url,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": list(SYSTEM_SCOPES),
        "capabilities": ["permission-v1", "client-confidential-asymmetric"],
    }
