"""The servers under load, each in processes of its own: this gateway (`mhs-gateway serve`), the
peer (GraphQL Mesh over GENESIS) and the baseline (a plain strawberry app)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from gateway.demo.ports import free_port

from .processes import Child
from .smart import fetch_token
from .stack import ROOT, BenchStack

__all__ = ["GATEWAY_OVERRIDES", "GatewayServer", "MeshPeer", "Server", "StrawberryBaseline"]

PEERS = Path(__file__).resolve().parent / "peers"
MESH_DIR = PEERS / "mesh"
# What the bench changes in the demo's gateway environment. The demo's limits refuse 20 root fields
# (the clinician panel asks 20 patients at once); every request of wrk comes from 127.0.0.1 and each
# patient's token is reused hundreds of times a minute, so the rate limits stay on (every request
# still pays for them) with budgets that load from one address cannot exhaust.
GATEWAY_OVERRIDES = {
    "MHS_GATEWAY_MAX_ROOT_FIELDS": "20",
    "MHS_GATEWAY_RATE_LIMIT_ADDRESS_READS": "10000000/minute",
    "MHS_GATEWAY_RATE_LIMIT_PATIENT_READS": "10000000/minute",
    "MHS_GATEWAY_RATE_LIMIT_CLINICIAN_READS": "10000000/minute",
}
_TYPENAME = {"query": "query Typename { __typename }", "operationName": "Typename"}


def _clean_environ() -> dict[str, str]:
    """This process's environment without anything that configures a gateway."""
    drop = ("MHS_GATEWAY_", "DATABASE_URL", "REDIS_URL", "GENESIS_", "FORK", "PORT")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


class Server:
    """A server under load: its URL, its processes, how many workers it runs."""

    kind = "server"

    def __init__(self, workdir: Path, workers: int) -> None:
        self.workdir = workdir
        self.workers = workers
        self.port = 0
        self.child: Child | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.child is not None
        return self.child.pid

    def worker_rss_mb(self) -> dict[str, object]:
        """Resident memory, MB: each worker's, and the master's when workers are processes of their own."""
        assert self.child is not None
        by_pid = self.child.rss()
        helpers = set(self.child.helper_pids())
        mb = {pid: round(v / 2**20, 1) for pid, v in by_pid.items() if pid not in helpers}
        if len(mb) == 1:
            return {"workers": list(mb.values())}
        master = mb.pop(self.child.pid, None)
        return {"master": master, "workers": list(mb.values())}

    async def stop(self) -> None:
        if self.child is not None:
            await self.child.stop()
            self.child = None

    async def _wait_answering(self, headers: dict[str, str], within: float = 90.0) -> None:
        """Until `{ __typename }` answers 200 on enough fresh connections to have met every worker."""
        deadline = time.monotonic() + within
        successes = 0
        while successes < 4 * self.workers:
            assert self.child is not None
            if not self.child.alive():
                raise RuntimeError(f"{self.kind} exited during startup{self.child._log_hint()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not answer within {within:.0f} s{self.child._log_hint()}")
            try:
                async with aiohttp.ClientSession(headers=headers) as http, http.post(
                    f"{self.base_url}/graphql", json=_TYPENAME
                ) as response:
                    successes = successes + 1 if response.status == 200 else 0
            except aiohttp.ClientError:
                successes = 0
            if successes == 0:
                await asyncio.sleep(0.2)


class GatewayServer(Server):
    """`mhs-gateway serve --workers N`, configured by the environment the demo hands its gateway."""

    kind = "gateway"

    def __init__(self, workdir: Path, workers: int, stack: BenchStack, extra_env: dict[str, str] | None = None) -> None:
        super().__init__(workdir, workers)
        self.stack = stack
        self.extra_env = extra_env or {}  # `python -m bench --gateway-env K=V`: a switch to compare

    async def start(self) -> None:
        self.port = free_port()
        env = {**_clean_environ(), **self.stack.gateway_env, **GATEWAY_OVERRIDES, **self.extra_env,
               "MHS_GATEWAY_PORT": str(self.port)}
        executable = Path(sys.executable).with_name("mhs-gateway")
        argv = [str(executable), "serve", "--workers", str(self.workers)]
        log = self.workdir / f"gateway-{self.workers}w.log"
        self.child = await Child.spawn(f"gateway ({self.workers} workers)", argv, env=env, cwd=ROOT, log=log)
        token = self.stack.persona_tokens["P4"]
        await self._wait_answering({"Authorization": f"Bearer {token}"})


class StrawberryBaseline(Server):
    """`bench/peers/plain_strawberry.py` under uvicorn, one worker."""

    kind = "strawberry"

    async def start(self) -> None:
        self.port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "--app-dir", str(PEERS), "--host", "127.0.0.1",
                "--port", str(self.port), "--workers", str(self.workers), "--log-level", "warning",
                "--no-access-log", "plain_strawberry:app"]
        self.child = await Child.spawn("strawberry baseline", argv, env=_clean_environ(), cwd=ROOT,
                                       log=self.workdir / "strawberry.log")
        await self._wait_answering({})


def prepare_mesh(log: Path) -> None:
    """`npm ci` from the committed lockfile (skipped when node_modules matches it), then `mesh build`."""
    if shutil.which("npm") is None:
        raise RuntimeError("npm is needed for the Mesh peer (Debian: apt-get install -y npm)")
    stamp = MESH_DIR / "node_modules" / ".bench-installed"
    lock = MESH_DIR / "package-lock.json"
    with open(log, "ab") as out:
        if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=MESH_DIR,
                           check=True, stdout=out, stderr=out)
            stamp.touch()
        subprocess.run([str(MESH_DIR / "node_modules" / ".bin" / "mesh"), "build"], cwd=MESH_DIR,
                       check=True, stdout=out, stderr=out, env={**_clean_environ(), "GENESIS_URL": "http://unused",
                                                                "GENESIS_TOKEN": "unused"})


class MeshPeer(Server):
    """GraphQL Mesh (`mesh start`) over the GENESIS sandbox, with a SMART token fetched by the harness.

    The sandbox's tokens live 300 s, so the peer is restarted with a fresh one before a run that
    could outlive its token. `workers` 1 is one Node process (FORK=0); more is Mesh's own cluster.
    """

    kind = "mesh"
    _TOKEN_MARGIN = 120.0  # seconds a token must still live when a run starts

    def __init__(self, workdir: Path, workers: int, stack: BenchStack) -> None:
        super().__init__(workdir, workers)
        self.stack = stack
        self._token_expires = 0.0

    async def start(self) -> None:
        genesis = self.stack.sandboxes["genesis"]
        peer = self.stack.peer
        async with aiohttp.ClientSession() as http:
            token, lifetime = await fetch_token(http, genesis.token_url, client_id=peer.client_id,
                                                private_pem=peer.private_pem, kid=peer.kid)
        self._token_expires = time.monotonic() + lifetime
        self.port = free_port()
        env = {**_clean_environ(), "GENESIS_URL": genesis.base_url, "GENESIS_TOKEN": token,
               "FORK": "0" if self.workers == 1 else str(self.workers), "NODE_ENV": "production"}
        argv = [str(MESH_DIR / "node_modules" / ".bin" / "mesh"), "start", "--port", str(self.port)]
        self.child = await Child.spawn(f"mesh ({self.workers} processes)", argv, env=env, cwd=MESH_DIR,
                                       log=self.workdir / f"mesh-{self.workers}.log")
        await self._wait_answering({})

    async def fresh_for(self, seconds: float) -> None:
        """Restart with a new token unless the current one outlives a run of `seconds`."""
        if time.monotonic() + seconds + self._TOKEN_MARGIN > self._token_expires:
            await self.stop()
            await self.start()
