"""The transport-free request and response one FHIR interaction takes and gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FhirRequest", "FhirResponse"]


@dataclass(frozen=True)
class FhirRequest:
    """One interaction: `path` is below the FHIR base (`Patient/1`, `Observation`, `` for batch);
    header names are lower-case."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def segments(self) -> list[str]:
        return [s for s in self.path.strip("/").split("/") if s]


@dataclass(frozen=True)
class FhirResponse:
    """The answer: a JSON resource body (or raw bytes for Binary content), status, headers."""

    status: int
    resource: dict[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/fhir+json"
