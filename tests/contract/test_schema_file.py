"""`schema.graphql` (the committed SDL frontend teams generate clients from): current, holding the
public contract, and changed without breaking clients unless the change is marked intended."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse
from graphql import build_schema as build_sdl

from gateway.persisted import TrustedDocuments
from gateway.schema_check import INTENDED_FILE, SCHEMA_FILE, check_schema_file, repository_root
from schema.sdl import served_sdl
from tests.contract.test_schema_contract import _contract, _differences

ROOT = repository_root()
OLD = '"""A person."""\ntype Patient {\n  id: ID!\n  email: String\n}\n\ntype Query {\n  me: Patient\n}\n'
NEW = '"""A person."""\ntype Patient {\n  id: ID!\n}\n\ntype Query {\n  me: Patient\n}\n'


def test_the_committed_sdl_is_the_served_schema() -> None:
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == served_sdl(), "run `mhs-gateway schema --write`"


def test_the_committed_sdl_holds_the_public_contract() -> None:
    committed = build_sdl((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert _differences(_contract(), committed) == []


def test_no_unintended_breaking_change_since_the_last_version() -> None:
    assert check_schema_file() == []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_breaking_change_fails_the_check_until_it_is_marked_intended(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.mil")
    _git(tmp_path, "config", "user.name", "t")
    (tmp_path / SCHEMA_FILE).write_text(OLD)
    _git(tmp_path, "add", SCHEMA_FILE)
    _git(tmp_path, "commit", "-qm", "first")
    assert check_schema_file(tmp_path, served=OLD) == []
    (tmp_path / SCHEMA_FILE).write_text(NEW)  # edited, not yet committed
    assert check_schema_file(tmp_path, served=NEW) == [
        f"breaking change (list it in {INTENDED_FILE} if intended): FIELD_REMOVED: Field Patient.email was removed."]
    _git(tmp_path, "commit", "-qam", "drop email")  # committed: compared with the version before
    assert len(check_schema_file(tmp_path, served=NEW)) == 1
    (tmp_path / INTENDED_FILE).write_text("# dropped on purpose\nFIELD_REMOVED: Field Patient.email was removed.\n")
    assert check_schema_file(tmp_path, served=NEW) == []
    assert check_schema_file(tmp_path, served=OLD) == [
        f"{SCHEMA_FILE} is not the schema the gateway serves: run `mhs-gateway schema --write`"]


def _cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True, check=True)
    return done.stdout


def test_the_commands_print_the_schema_and_the_manifest(tmp_path: Path) -> None:
    assert _cli("schema") == (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    manifest = json.loads(_cli("manifest"))
    names = {d.name.value for text in manifest.values() for d in parse(text).definitions
             if isinstance(d, OperationDefinitionNode) and d.name}
    assert {"WholeRecord", "MobileHome", "DentalQuestionnaire"} <= names
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    files = list((ROOT / "operations").glob("*.graphql"))
    assert len(TrustedDocuments.load(tmp_path / "manifest.json", "TEST")) == len(files) == len(names)
