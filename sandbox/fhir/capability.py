"""The CapabilityStatement and SMART configuration a FHIR server publishes."""

from __future__ import annotations

from typing import Any

from .params import SEARCH_PARAMS
from .store import now_instant

__all__ = ["capability_statement", "smart_configuration"]

_SMART_SECURITY = "http://terminology.hl7.org/CodeSystem/restful-security-service"


def capability_statement(
    name: str, base_url: str, token_url: str, *, writable: bool, match_enabled: bool
) -> dict[str, Any]:
    """What this server supports: types, interactions, search params, SMART token endpoint."""
    interactions = ["read", "search-type"] + (["create", "update"] if writable else [])
    resources = []
    for rtype, params in SEARCH_PARAMS.items():
        resource: dict[str, Any] = {
            "type": rtype,
            "interaction": [{"code": i} for i in interactions],
            "versioning": "versioned",
            "conditionalCreate": writable,
            "searchParam": [{"name": p.name, "type": p.kind} for p in params.values()],
            "searchInclude": [f"{rtype}:{p.name}" for p in params.values() if p.kind == "reference"],
        }
        if rtype == "Patient" and match_enabled:
            resource["operation"] = [
                {
                    "name": "match",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-match",
                }
            ]
        resources.append(resource)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now_instant(),
        "kind": "instance",
        "software": {"name": f"mhs sandbox ({name})"},
        "implementation": {"description": f"{name} sandbox", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [{"coding": [{"system": _SMART_SECURITY, "code": "SMART-on-FHIR"}]}],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                },
                "resource": resources,
                "interaction": [{"code": "batch"}],
            }
        ],
    }


def smart_configuration(token_url: str) -> dict[str, Any]:
    """`.well-known/smart-configuration` for backend services."""
    return {
        "token_endpoint": token_url,
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "scopes_supported": ["system/*.read", "system/*.write", "system/*.rs", "system/*.cruds"],
        "capabilities": ["client-confidential-asymmetric"],
    }
