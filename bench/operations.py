"""The GraphQL documents in `operations/` (one named operation a file, with a comment on who it is for)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OPERATIONS_DIR", "Operation", "load_operation", "load_operations"]

OPERATIONS_DIR = Path(__file__).resolve().parents[1] / "operations"
_OPERATION = re.compile(r"^\s*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)", re.MULTILINE)


class OperationFileError(ValueError):
    """A file in operations/ is not one named operation with a comment saying who it is for."""


@dataclass(frozen=True)
class Operation:
    """One document: its operation name, the comment lines above it, and its text."""

    name: str
    purpose: str
    text: str
    path: Path

    @property
    def sha256(self) -> str:
        """The APQ / trusted-documents hash of the exact text."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def load_operation(path: Path) -> Operation:
    text = path.read_text()
    names = _OPERATION.findall(text)
    if len(names) != 1:
        raise OperationFileError(f"{path.name}: {len(names)} named operations, want exactly one")
    comments = [ln.lstrip("# ").rstrip() for ln in text.splitlines() if ln.startswith("#")]
    if not comments:
        raise OperationFileError(f"{path.name}: no comment line saying which persona or role it is for")
    name = names[0][1]
    if path.stem != name:
        raise OperationFileError(f"{path.name}: the file is named after its operation, {name}")
    return Operation(name=name, purpose=" ".join(comments), text=text, path=path)


def load_operations(folder: Path = OPERATIONS_DIR) -> dict[str, Operation]:
    """Every `*.graphql` file of `folder`, by operation name."""
    found = [load_operation(p) for p in sorted(folder.glob("*.graphql"))]
    return {op.name: op for op in found}
