"""Trusted documents: the manifest is verified at startup; trusted-only mode runs nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.config import Config, PersistedConfig
from gateway.errors import ConfigError
from gateway.persisted import TrustedDocuments
from tests.access.conftest import Upstreams
from tests.access.test_limits import OVER_LIMIT
from tests.support.servers import serve

from .conftest import apq, send, sha256, token_of, unique, with_config

VARIABLE = "MHS_GATEWAY_TRUSTED_DOCUMENTS"
TRUSTED = "query TrustedMe { me { dodId } }"
TRUSTED_TOO_DEEP = "query TrustedDeep " + OVER_LIMIT["depth"]  # 14 levels; the demo allows 12
BASE_ENV = {
    "MHS_GATEWAY_MODE": "demo",
    "MHS_GATEWAY_ISSUER": "http://127.0.0.1:9/",
    "MHS_GATEWAY_AUDIENCE": "mhs-gateway",
    "MHS_GATEWAY_JWKS_URL": "http://127.0.0.1:9/jwks.json",
}


def _manifest(path: Path, documents: dict[str, str]) -> Path:
    path.write_text(json.dumps(documents))
    return path


@pytest_asyncio.fixture(loop_scope="session")
async def trusted_only(demo_stack: Any, tmp_path: Path) -> AsyncIterator[str]:
    """A gateway on the demo's sources that runs only the two manifest documents."""
    manifest = _manifest(tmp_path / "persisted-documents.json",
                         {sha256(TRUSTED): TRUSTED, sha256(TRUSTED_TOO_DEEP): TRUSTED_TOO_DEEP})
    config = with_config(demo_stack, persisted=PersistedConfig(
        trusted_documents=TrustedDocuments.load(manifest, VARIABLE), trusted_only=True))
    async with serve(create_app(config)) as url:
        yield f"{url}/graphql"


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_trusted_only_runs_a_manifest_document_by_hash_or_by_text(
    demo_stack: Any, trusted_only: str, method: str
) -> None:
    token = token_of(demo_stack)
    by_hash = await send(trusted_only, token, method=method, extensions=apq(sha256(TRUSTED)))
    assert by_hash.status == 200 and by_hash.body == {"data": {"me": {"dodId": "1000000001"}}}
    by_text = await send(trusted_only, token, method=method, query=TRUSTED)
    assert by_text.status == 200 and by_text.body == by_hash.body
    both = await send(trusted_only, token, method=method, query=TRUSTED, extensions=apq(sha256(TRUSTED)))
    assert both.status == 200 and both.body == by_hash.body


async def test_trusted_only_refuses_everything_else_unexecuted(
    demo_stack: Any, trusted_only: str, upstreams: Upstreams
) -> None:
    token, text = token_of(demo_stack), unique("query { me { dodId name { text } } }")
    await upstreams.reset()
    adhoc = await send(trusted_only, token, query=text)
    registration = await send(trusted_only, token, query=text, extensions=apq(sha256(text)))
    unknown_hash = await send(trusted_only, token, extensions=apq(sha256(text)))
    for answer in (adhoc, registration, unknown_hash):
        assert answer.status == 400 and answer.code == "DOCUMENT_NOT_TRUSTED", answer.body
        assert "data" not in answer.body
    assert await upstreams.requests() == {"genesis": 0, "community": 0}
    # the refused registration stored nothing: still refused by hash
    assert (await send(trusted_only, token, extensions=apq(sha256(text)))).code == "DOCUMENT_NOT_TRUSTED"


async def test_limits_apply_to_trusted_documents_too(demo_stack: Any, trusted_only: str) -> None:
    answer = await send(trusted_only, token_of(demo_stack), extensions=apq(sha256(TRUSTED_TOO_DEEP)))
    assert answer.status == 400 and answer.code == "QUERY_TOO_COMPLEX", answer.body


async def test_without_trusted_only_the_manifest_serves_hashes_and_ad_hoc_queries_run(
    demo_stack: Any, tmp_path: Path
) -> None:
    """The default (analysts in GraphiQL): manifest documents answer by hash, anything else runs."""
    manifest = _manifest(tmp_path / "m.json", {sha256(TRUSTED): TRUSTED})
    config = with_config(demo_stack, persisted=PersistedConfig(
        trusted_documents=TrustedDocuments.load(manifest, VARIABLE)))
    token = token_of(demo_stack)
    async with serve(create_app(config)) as url:
        by_hash = await send(f"{url}/graphql", token, extensions=apq(sha256(TRUSTED)))
        assert by_hash.status == 200 and by_hash.body["data"]["me"]["dodId"] == "1000000001"
        adhoc = await send(f"{url}/graphql", token, query=unique("query { me { dodId } }"))
        assert adhoc.status == 200 and "errors" not in adhoc.body


@pytest.mark.parametrize("content", [
    json.dumps({sha256(TRUSTED): TRUSTED + " "}),  # the text was changed after hashing
    json.dumps({"0" * 64: TRUSTED}),
    json.dumps({"not-a-hash": TRUSTED}),
    json.dumps({sha256(TRUSTED): 42}),
    json.dumps([TRUSTED]),
    json.dumps({sha256("query { me { dodId }"): "query { me { dodId }"}),  # does not parse
    "{not json",
])
def test_a_bad_manifest_stops_startup_naming_the_variable(tmp_path: Path, content: str) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(content)
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE_ENV, VARIABLE: str(manifest)})
    assert caught.value.name == VARIABLE
    assert TRUSTED not in str(caught.value)  # documents are not echoed


def test_a_missing_manifest_stops_startup(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE_ENV, VARIABLE: str(tmp_path / "absent.json")})
    assert caught.value.name == VARIABLE


def test_trusted_only_needs_a_manifest() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE_ENV, "MHS_GATEWAY_TRUSTED_ONLY": "true"})
    assert caught.value.name == "MHS_GATEWAY_TRUSTED_ONLY"
    assert VARIABLE in caught.value.problem


def test_a_good_manifest_loads(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path / "m.json", {sha256(TRUSTED).upper(): TRUSTED})
    config = Config.from_env({**BASE_ENV, VARIABLE: str(manifest), "MHS_GATEWAY_TRUSTED_ONLY": "on"})
    assert config.persisted.trusted_only is True
    assert config.persisted.trusted_documents.get(sha256(TRUSTED)) == TRUSTED
    assert TRUSTED not in repr(config)


def test_serve_with_a_bad_manifest_exits_2_naming_the_variable(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path / "m.json", {sha256(TRUSTED): TRUSTED + "\n"})
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "serve"],
        env={"PATH": "/usr/bin:/bin", **BASE_ENV, VARIABLE: str(manifest)},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert VARIABLE in done.stderr and "SHA-256" in done.stderr
