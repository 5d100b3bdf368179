"""DemoStack: PostgreSQL, the sandboxes, the sign-in issuer and the real gateway, as one unit."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import aiohttp

from gateway.app import create_app
from gateway.config import Config
from gateway.mart import MartRefresher
from gateway.mart.runner import run_export
from gateway.tracing import configure_tracing
from sandbox.data import DemoData, generate
from sandbox.fhir import BULK_IG, MILLENNIUM, FhirServer
from sandbox.issuer import Issuer
from sandbox.millennium import millennium_data
from sandbox.portal import PortalService

from .environment import gateway_environment
from .errors import StackStartError
from .operations import trusted_operations
from .options import StackOptions
from .personas import PersonaToken, mint_persona_tokens
from .provision import DemoDatabases, provision, release
from .serve import InLoopServer
from .servers import postgres_server
from .upstreams import GENESIS_SPEAKS_MILLENNIUM, Upstream, apply_faults, start_upstream
from .workers import ServeProcess

__all__ = ["DemoStack"]

T = TypeVar("T")

_LOOPBACK = "127.0.0.1"
_READY_TIMEOUT = 30.0


class DemoStack:
    """``async with DemoStack(port=0) as stack: stack.info()``; exit stops all in reverse order."""

    def __init__(self, options: StackOptions | None = None, /, **fields: Any) -> None:
        self.options = options if options is not None else StackOptions(**fields)
        self._exit = AsyncExitStack()
        self._data: DemoData | None = None
        self._databases: DemoDatabases | None = None
        self._genesis: Upstream | None = None
        self._community: Upstream | None = None
        self._issuer: Issuer | None = None
        self._gateway: InLoopServer | ServeProcess | None = None
        self._config: Config | None = None
        self._tokens: dict[str, PersonaToken] = {}
        self.mart_dir: Path | None = None
        self.mart: MartRefresher | None = None  # the background export that builds and refreshes it
        self.environment: dict[str, str] = {}  # the gateway's MHS_GATEWAY_* variables (they hold secrets)

    # -- what tests and the CLI use --------------------------------------------------------------

    @property
    def data(self) -> DemoData:
        return _running(self._data, "data")

    @property
    def genesis(self) -> FhirServer:
        return _running(self._genesis, "genesis").server

    @property
    def portal(self) -> PortalService:
        """The GENESIS sandbox's patient portal (served whether or not the gateway is pointed at it)."""
        service = _running(self._genesis, "genesis").portal
        return _running(service, "portal")

    @property
    def community(self) -> FhirServer:
        return _running(self._community, "community").server

    @property
    def issuer(self) -> Issuer:
        return _running(self._issuer, "issuer")

    @property
    def config(self) -> Config:
        return _running(self._config, "config")

    @property
    def gateway_environment(self) -> dict[str, str]:
        """The variables the gateway was configured with (what `mhs-gateway serve` would read)."""
        return dict(self.environment)

    @property
    def workers(self) -> int:
        """How many processes serve the gateway (1: the demo's own)."""
        return self.options.gateway_workers

    @property
    def gateway_pid(self) -> int | None:
        """The `mhs-gateway serve` process when workers serve the gateway (None: in this process)."""
        return self._gateway.pid if isinstance(self._gateway, ServeProcess) else None

    @property
    def databases(self) -> DemoDatabases:
        return _running(self._databases, "databases")

    @property
    def personas(self) -> dict[str, PersonaToken]:
        """Each persona's token with who they are (for printing)."""
        return dict(self._tokens)

    @property
    def base_url(self) -> str:
        gateway = self._gateway
        if gateway is None:
            raise RuntimeError("the demo stack's gateway is not running")
        host = _LOOPBACK if gateway.host in ("0.0.0.0", "") else gateway.host  # noqa: S104
        return f"http://{host}:{gateway.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def info(self) -> dict[str, Any]:
        """The document `--info-file` holds (see contract/demo.md)."""
        databases = self.databases
        return {
            "graphql_url": self.graphql_url,
            "gateway_dsn": databases.gateway_dsn,
            "sources": {
                "genesis": self.genesis.base_url,
                "community": self.community.base_url,
                "tol_dsn": databases.tol_dsn,
            },
            "admin": {"genesis": self.genesis.admin_url, "community": self.community.admin_url},
            "tokens": {key: persona.token for key, persona in self._tokens.items()},
        }

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start every part, wait until the gateway answers; on failure undo what started."""
        try:
            await self._start()
        except BaseException:
            await asyncio.shield(self.stop())
            raise

    async def stop(self) -> None:
        """Stop the gateway, the issuer, the sandboxes, then the databases and PostgreSQL."""
        exit_stack, self._exit = self._exit, AsyncExitStack()
        await exit_stack.aclose()
        self._gateway = None

    async def _start(self) -> None:
        opts = self.options
        # Bind the gateway's port first: a taken port fails in a moment, not after the data.
        gateway = InLoopServer(host=opts.host, port=opts.port, log_level=opts.log_level)
        self._exit.push_async_callback(gateway.stop)  # closes the socket if start is not reached
        if opts.gateway_workers > 1:  # worker processes bind it themselves: keep the port, free the socket
            await gateway.stop()
        # Generate the data while PostgreSQL starts.
        generating = asyncio.ensure_future(
            asyncio.to_thread(generate, seed=opts.seed, extra_patients=opts.extra_patients, today=opts.today)
        )
        try:
            server = await self._exit.enter_async_context(postgres_server(opts.database_url))
        finally:
            raw = await generating
        # What tests see is what the sandbox serves: GENESIS as Millennium holds it (the sandbox
        # reshapes `raw` the same way, and its portal keeps what Millennium's FHIR does not offer).
        data = self._data = millennium_data(raw) if GENESIS_SPEAKS_MILLENNIUM else raw
        self._databases = await provision(server, data.tol, fresh=opts.fresh_databases)
        self._exit.push_async_callback(release, self._databases)

        self._genesis = await start_upstream(
            "genesis", raw.genesis, host=_LOOPBACK, match_enabled=False, writable=True, bulk=MILLENNIUM, portal=True
        )
        self._exit.push_async_callback(self._genesis.server.stop)
        self._community = await start_upstream(
            "community", data.community, host=_LOOPBACK, match_enabled=True, writable=False, bulk=BULK_IG
        )
        self._exit.push_async_callback(self._community.server.stop)
        for upstream in (self._genesis, self._community):
            if upstream.name in opts.faults:
                await apply_faults(upstream, opts.faults[upstream.name])

        self._issuer = Issuer()
        await self._issuer.start(_LOOPBACK, 0)
        self._exit.push_async_callback(self._issuer.stop)

        self.environment = gateway_environment(
                host=opts.host,
                port=gateway.port,
                gateway_dsn=self._databases.gateway_dsn,
                tol_dsn=self._databases.tol_dsn,
                genesis=self._genesis,
                community=self._community,
                portal=opts.portal,
                issuer=self._issuer,
                log_level=opts.log_level,
                pseudonym_key=opts.pseudonym_key,
                mart_dir=self._mart_folder() if opts.mart else None,
                groups={"genesis": _groups(data.genesis), "community": _groups(data.community)},
                extra=opts.gateway_env,
        )
        self.environment.update(await self._exit.enter_async_context(trusted_operations()))
        self._config = Config.from_env(self.environment)
        if opts.gateway_workers > 1:
            self._gateway = await self._serve_workers(gateway.host, gateway.port)
        else:
            configure_tracing(self._config)
            self._exit.push_async_callback(gateway.stop)  # the gateway stops first (LIFO)
            await gateway.start(create_app(self._config))
            self._gateway = gateway
        self._tokens = mint_persona_tokens(self._issuer, data.personas)
        if opts.mart:  # built in the background: cohorts answer MART_NOT_READY until then
            config = self._config
            self.mart = MartRefresher(lambda: run_export(config), opts.mart_refresh)
            self.mart.start()
            self._exit.push_async_callback(self.mart.close)  # stops first (LIFO)
        await self._wait_until_answering()

    async def _serve_workers(self, host: str, port: int) -> ServeProcess:
        """`mhs-gateway serve --workers N` on the demo's environment, as production runs it."""
        process = ServeProcess(self.environment, host=host, port=port, workers=self.options.gateway_workers)
        self._exit.push_async_callback(process.stop)  # the gateway stops first (LIFO)
        await process.start(within=_READY_TIMEOUT * 2)
        return process

    def _mart_folder(self) -> str:
        """A fresh folder for the mart, removed when the stack stops."""
        folder = tempfile.mkdtemp(prefix="mhs-mart-")
        self._exit.callback(shutil.rmtree, folder, True)
        self.mart_dir = Path(folder)
        return folder

    async def _wait_until_answering(self) -> None:
        """Every part answers: the gateway's GraphQL endpoint and the sandboxes' admin surfaces."""
        probes = [self.genesis.admin_url.rstrip("/") + "/stats"]
        probes.append(self.community.admin_url.rstrip("/") + "/stats")
        probes.append(self.issuer.jwks_url)
        token = self._tokens["A1"].token
        timeout = aiohttp.ClientTimeout(total=5)
        async with asyncio.timeout(_READY_TIMEOUT), aiohttp.ClientSession(timeout=timeout) as http:
            for url in probes:
                async with http.get(url) as response:
                    if response.status != 200:
                        raise StackStartError(part=url, reason=f"HTTP {response.status}")
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.post(
                        self.graphql_url,
                        json={"query": "{ __typename }"},
                        headers={"Authorization": f"Bearer {token}"},
                    ) as response:
                        if response.status < 500:
                            return
                await asyncio.sleep(0.1)


def _groups(resources: list[dict[str, Any]]) -> list[str]:
    """The ids of the Bulk Data Groups a sandbox holds (what the mart's export job reads)."""
    return sorted(str(r["id"]) for r in resources if r.get("resourceType") == "Group")


def _running(value: T | None, part: str) -> T:
    if value is None:
        raise RuntimeError(f"the demo stack's {part} is not running")
    return value
