"""A fourth source is one package and one registry entry: nothing else in the checkout changes."""

from __future__ import annotations

import asyncio
import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REGISTERED = 'PACKAGES = ("genesis", "community", "tol")'


def _checkout_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\n")
    return [name for name in listed if name and (ROOT / name).is_file()]


def _copy_with_a_fourth_source(target: Path) -> None:
    for name in _checkout_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "tests" / "registry" / "fourth_source", target / "sources" / "va")
    registry = target / "sources" / "registry.py"
    text = registry.read_text()
    assert REGISTERED in text
    registry.write_text(text.replace(REGISTERED, 'PACKAGES = ("genesis", "community", "tol", "va")'))


def _changed(copy: Path) -> list[str]:
    """Files of the copy that differ from the checkout's (added ones included)."""
    out = []
    for path in sorted(p for p in copy.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name = path.relative_to(copy).as_posix()
        original = ROOT / name
        if not original.is_file() or original.read_bytes() != path.read_bytes():
            out.append(name)
    return out


@pytest.mark.slow
async def test_a_fourth_source_is_merged_ranked_and_covered_with_no_other_file_changed(
    tmp_path: Path, pg_admin_dsn: str
) -> None:
    copy = tmp_path / "checkout"
    _copy_with_a_fourth_source(copy)
    changed = _changed(copy)
    assert [n for n in changed if not n.startswith("sources/va/")] == ["sources/registry.py"]
    diff = difflib.unified_diff((ROOT / "sources/registry.py").read_text().splitlines(),
                                (copy / "sources/registry.py").read_text().splitlines(), n=0, lineterm="")
    assert len([line for line in diff if line.startswith(("+", "-")) and line[1:2] not in "+-"]) == 2  # one line

    env = {**os.environ, "PYTHONPATH": str(copy)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.registry.prove_fourth_source", pg_admin_dsn, cwd=copy, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0, output.decode()[-4000:]
