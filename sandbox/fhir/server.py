"""`FhirServer`: one in-memory FHIR R4 server with SMART backend-services auth, on aiohttp."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from aiohttp import web

from .admin import FaultState, Stats, admin_routes, fault_routes
from .auth import OAuthError, TokenIssuer
from .bulk import BulkExport, BulkProfile
from .faults import TOKEN_PATH, fault_middleware
from .messages import FhirRequest, FhirResponse
from .outcome import FhirError, operation_outcome
from .parts import ServerPart
from .profile import GenericProfile, Profile
from .recorder import DEFAULT_SIZE, RequestRecorder, recorder_middleware, recorder_routes
from .store import ResourceStore

__all__ = ["FhirServer"]

_log = logging.getLogger(__name__)
_FHIR_JSON = "application/fhir+json"


class FhirServer:
    """A FHIR R4 server over `resources`, for the demo (GENESIS, community) and tests.

    `clients` maps client ids to public JWKs (RSA or EC) for `private_key_jwt`. With
    `match_enabled`, `Patient/$match` answers; without `writable`, create and update are 405.
    `profile` picks the API spoken (default: generic, permissive FHIR R4); `recorder_size` bounds
    the request log at `/__admin/requests`.
    With a `bulk` profile, `$export` answers (see `sandbox.fhir.bulk`). Each of `parts` (the
    GENESIS patient portal) is served under its own prefix, with the server's tokens and faults.
    """

    def __init__(
        self,
        *,
        name: str,
        resources: Iterable[dict[str, Any]],
        clients: Mapping[str, dict[str, Any]],
        match_enabled: bool = False,
        writable: bool = True,
        profile: Profile | None = None,
        recorder_size: int = DEFAULT_SIZE,
        bulk: BulkProfile | None = None,
        parts: tuple[ServerPart, ...] = (),
    ) -> None:
        self.name = name
        self.profile: Profile = profile or GenericProfile()
        self.parts = parts
        self._store = ResourceStore(resources)
        policy = self.profile.token_policy
        for part in parts:
            policy = dataclasses.replace(policy, grant_scopes=part.grant_scopes(policy.grant_scopes))
        self._issuer = TokenIssuer(clients, policy)
        self._api = self.profile.interactions(self._store, writable=writable, match_enabled=match_enabled)
        self._bulk = BulkExport(self._store, self._issuer.grant, bulk) if bulk is not None else None
        self.recorder = RequestRecorder(recorder_size)
        self.stats = Stats()
        self.faults = FaultState()
        self._runner: web.AppRunner | None = None
        self._origin = ""

    @property
    def store(self) -> ResourceStore:
        """The resources served (tests may inspect or tweak them)."""
        return self._store

    @property
    def base_url(self) -> str:
        """The FHIR base, e.g. http://127.0.0.1:PORT/fhir."""
        return f"{self._started()}/fhir"

    @property
    def token_url(self) -> str:
        """The SMART token endpoint."""
        return f"{self._started()}{TOKEN_PATH}"

    @property
    def admin_url(self) -> str:
        """The admin surface (stats, faults)."""
        return f"{self._started()}/__admin"

    def _started(self) -> str:
        if not self._origin:
            raise RuntimeError(f"FhirServer {self.name!r} is not started")
        return self._origin

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port)."""
        prefixes = tuple(p.prefix for p in self.parts)
        middlewares = [recorder_middleware(self.recorder), fault_middleware(self.stats, self.faults, prefixes)]
        middlewares += [fault_middleware(Stats(), p.faults, (p.prefix,), token=False) for p in self.parts]
        app = web.Application(middlewares=middlewares, client_max_size=32 * 1024**2)
        app.add_routes(admin_routes(self.stats, self.faults) + recorder_routes(self.recorder))
        for part in self.parts:
            app.add_routes(fault_routes(part.faults, f"/__admin/{part.name}/faults"))
            app.add_routes(part.routes(self._issuer.grant))
        if self._bulk is not None:
            app.add_routes(self._bulk.routes())  # before the catch-all FHIR route
        app.add_routes(
            [
                web.post(TOKEN_PATH, self._token),
                web.get("/fhir/metadata", self._metadata),
                web.get("/fhir/.well-known/smart-configuration", self._smart_configuration),
                web.route("*", "/fhir{tail:(/.*)?}", self._fhir),
            ]
        )
        # no access log: query strings carry identifiers
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0]
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        self._origin = f"http://{shown}:{bound[1]}"
        self._issuer.token_url = self.token_url
        for part in self.parts:
            part.token_url = self.token_url
        self._api.base_url = self.base_url
        if self._bulk is not None:
            self._bulk.origin = self._origin

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._bulk is not None:
            await self._bulk.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        try:
            body = self._issuer.issue(fields)
        except OAuthError as exc:
            return web.json_response(exc.body(), status=exc.status, headers=headers)
        return web.json_response(body, headers=headers)

    async def _metadata(self, _: web.Request) -> web.Response:
        statement = self.profile.capability_statement(
            self.name,
            self.base_url,
            self.token_url,
            writable=self._api.writable,
            match_enabled=self._api.match_enabled,
        )
        return _json_response(200, statement)

    async def _smart_configuration(self, _: web.Request) -> web.Response:
        return web.json_response(self.profile.smart_configuration(self.token_url))

    async def _fhir(self, request: web.Request) -> web.Response:
        try:
            grant = self._issuer.grant(request.headers.get("Authorization"))
            fhir_request = FhirRequest(
                method=request.method,
                path=request.match_info.get("tail", ""),
                query=tuple(request.query.items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=await request.read(),
            )
            response = await self._api.handle(fhir_request, grant.require)
        except FhirError as exc:
            return _json_response(exc.status, exc.outcome(), exc.headers)
        except Exception:
            _log.exception("sandbox %s failed on a FHIR request", self.name)
            return _json_response(500, operation_outcome("exception", "internal server error"))
        return _to_web(response)


def _json_response(status: int, body: dict[str, Any] | None, headers: Mapping[str, str] | None = None) -> web.Response:
    data = _encode(body) if body is not None else None
    return web.Response(status=status, body=data, content_type=_FHIR_JSON, headers=headers)


def _encode(body: dict[str, Any]) -> bytes:
    """A response body as JSON: by orjson (several times faster on a large Bundle), or by the
    standard library for what orjson refuses (an integer past 64 bits, a key that is no string)."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body).encode()


def _to_web(response: FhirResponse) -> web.Response:
    if response.raw is not None:
        return web.Response(
            status=response.status,
            body=response.raw,
            content_type=response.content_type,
            headers=response.headers,
        )
    return _json_response(response.status, response.resource, response.headers)
