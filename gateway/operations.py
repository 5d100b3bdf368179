"""The portal's and the mobile app's operations, one named operation per `.graphql` file in
`operations/`: a comment header says whom it is for (`For: ... role patient ..., e.g. P1`) and
example variables (`Variables: {...}`, `{{today}}` / `{{today+N}}` for dates)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

from .persisted.request import document_hash

__all__ = ["Operation", "default_operations_dir", "load_operations"]

_PERSONA = re.compile(r"\b([PCA][0-9])\b")
_ROLES = re.compile(r"\brole ([^)]*)")
_ROLE_WORD = re.compile(r"\b(patient|clinician|analyst)\b")
_DEFAULT_PERSONA = {"patient": "P1", "clinician": "C1", "analyst": "A1"}


def default_operations_dir() -> Path:
    """`operations/` beside the package checkout."""
    return Path(__file__).resolve().parent.parent / "operations"


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation file: its name, text, SHA-256, whom it is for, and example variables."""

    name: str
    text: str
    kind: str  # query or mutation
    roles: tuple[str, ...]
    personas: tuple[str, ...]
    variables: str  # JSON, with `{{today}}` placeholders
    description: str

    @property
    def sha256(self) -> str:
        return document_hash(self.text)

    def variables_on(self, today: str, days: dict[int, str] | None = None) -> dict[str, Any]:
        """The example variables with `{{today}}` (and `{{today+N}}` from `days`) filled in."""
        def fill(match: re.Match[str]) -> str:
            offset = int(match.group(1) or 0)
            return today if offset == 0 else (days or {})[offset]

        filled = re.sub(r"\{\{today([+-]\d+)?\}\}", fill, self.variables or "{}")
        value: dict[str, Any] = json.loads(filled)
        return value


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return lines


def _read(path: Path) -> Operation:
    text = path.read_text(encoding="utf-8")
    operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None or operations[0].name.value != path.stem:
        raise ValueError(f"{path.name} must hold one operation named {path.stem}")
    header = _header(text)
    variables = next((line.split(":", 1)[1].strip() for line in header if line.startswith("Variables:")), "{}")
    json.loads(re.sub(r"\{\{today([+-]\d+)?\}\}", "x", variables))  # it must be JSON
    prose = " ".join(line for line in header if not line.startswith("Variables:"))
    who = prose.split("For:", 1)[1] if "For:" in prose else ""
    roles = tuple(dict.fromkeys(w for part in _ROLES.findall(who) for w in _ROLE_WORD.findall(part))) or ("patient",)
    named = [p for p in dict.fromkeys(_PERSONA.findall(who)) if any(_DEFAULT_PERSONA[r][0] == p[0] for r in roles)]
    personas = (*named, *(_DEFAULT_PERSONA[r] for r in roles if not any(p[0] == _DEFAULT_PERSONA[r][0] for p in named)))
    return Operation(path.stem, text, operations[0].operation.value, roles, personas, variables,
                     prose.split("For:", 1)[0].strip())


def load_operations(directory: Path | None = None) -> list[Operation]:
    """Every operation file, by name; ValueError naming a file that breaks the conventions."""
    folder = directory or default_operations_dir()
    return [_read(path) for path in sorted(folder.glob("*.graphql"))]
