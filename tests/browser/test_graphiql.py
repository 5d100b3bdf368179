"""Headless Chromium loads /graphql as a browser would and GraphiQL renders its editors."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.config import Config
from gateway.sources import Opened
from resolvers.services import Services
from sandbox.issuer import Issuer
from tests.gateway.conftest import base_env
from tests.support.servers import serve

pytestmark = pytest.mark.browser

_CHROMIUM = Path("/usr/bin/chromium")


def _ensure_chromium() -> str:
    """The chromium binary, installed with apt once if missing; skip only without apt."""
    found = shutil.which("chromium") or (str(_CHROMIUM) if _CHROMIUM.exists() else None)
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("chromium is not installed and apt-get is unavailable to install it")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            pytest.skip(f"apt could not install chromium: {done.stderr.strip()[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt installed no `chromium` binary")
    return found


def _no_sources(config: Config, opened: Opened) -> Services:
    return Services(sources={})


async def test_graphiql_renders_in_headless_chromium() -> None:
    chromium = await asyncio.to_thread(_ensure_chromium)
    issuer = Issuer(issuer_url="http://127.0.0.1:9")  # never contacted: the page needs no token
    config = Config.from_env(base_env(issuer))
    assert (config.graphiql_assets / "graphiql" / "graphiql.min.js").is_file(), "run make setup"
    async with serve(create_app(config, services_factory=_no_sources)) as url:
        with tempfile.TemporaryDirectory() as profile:
            process = await asyncio.create_subprocess_exec(
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                "--virtual-time-budget=10000", "--dump-dom", f"{url}/graphql",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            stdout, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    dom = stdout.decode(errors="replace")
    assert "graphiql-container" in dom, dom[:2000]
    assert "cm-editor" in dom or "CodeMirror" in dom  # the query editor mounted
    assert "Loading GraphiQL" not in dom
    assert "sourceCoverage" in dom  # the first example tab (`me`) is open in the editor
