"""The committed SDL (`schema.graphql` at the top of the checkout): it must be the schema the gateway
serves, and a change to it must not break clients (graphql-core's `find_breaking_changes` against
the file's previous version in git) unless the change is listed in `schema-changes.intended`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from graphql import build_schema, find_breaking_changes

from schema.sdl import served_sdl

__all__ = [
    "INTENDED_FILE",
    "SCHEMA_FILE",
    "breaking_changes",
    "check_schema_file",
    "intended",
    "previous_version",
    "repository_root",
]

SCHEMA_FILE = "schema.graphql"
INTENDED_FILE = "schema-changes.intended"


def repository_root() -> Path:
    """The checkout this package runs from."""
    return Path(__file__).resolve().parent.parent


def breaking_changes(old: str, new: str) -> list[str]:
    """`TYPE: description` for each change from `old` to `new` that breaks an existing client."""
    changes = find_breaking_changes(build_schema(old), build_schema(new))
    return [f"{change.type.name}: {change.description}" for change in changes]


def _git(root: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run([git, "-C", str(root), *args], capture_output=True, text=True, check=False)  # noqa: S603
    return done.stdout if done.returncode == 0 else None


def previous_version(root: Path) -> str | None:
    """The SDL before the latest change: HEAD's when the file was edited since, else the version
    before the last commit that changed it; None outside git or for the file's first version."""
    current = (root / SCHEMA_FILE).read_text(encoding="utf-8")
    head = _git(root, "show", f"HEAD:{SCHEMA_FILE}")
    if head is not None and head != current:
        return head
    commits = (_git(root, "log", "--format=%H", "-n", "2", "--", SCHEMA_FILE) or "").split()
    if len(commits) < 2:
        return None
    return _git(root, "show", f"{commits[1]}:{SCHEMA_FILE}")


def intended(root: Path) -> set[str]:
    """The breaking changes marked intended: one `TYPE: description` per line, `#` comments."""
    path = root / INTENDED_FILE
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line}


def check_schema_file(root: Path | None = None, served: str | None = None) -> list[str]:
    """What is wrong with the committed SDL (empty: nothing); `served` defaults to the gateway's."""
    root = root or repository_root()
    path = root / SCHEMA_FILE
    if not path.exists():
        return [f"{SCHEMA_FILE} is missing: run `mhs-gateway schema --write`"]
    problems = []
    if path.read_text(encoding="utf-8") != (served if served is not None else served_sdl()):
        problems.append(f"{SCHEMA_FILE} is not the schema the gateway serves: run `mhs-gateway schema --write`")
    previous = previous_version(root)
    if previous is not None:
        marked = intended(root)
        problems += [f"breaking change (list it in {INTENDED_FILE} if intended): {change}"
                     for change in breaking_changes(previous, path.read_text(encoding="utf-8")) if change not in marked]
    return problems
