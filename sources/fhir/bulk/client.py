"""The bulk export client: kick off, poll, cancel, and the whole resumable job in one call."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin

import aiohttp

from ...calls.observe import UpstreamObserver
from ...errors import SourceTimeout, SourceUnavailable, UpstreamRejected
from ...records import RecordSource
from ..config import FhirSourceConfig
from ..retry import retry_after
from .access import FHIR_JSON, KIND, BulkAccess
from .errors import (
    ExportFailed,
    ExportGone,
    ExportNotReady,
    ExportRefused,
    ExportThrottled,
    ManifestUnreadable,
    issue_code,
)
from .files import BulkFiles
from .manifest import ExportState, Manifest, OutputFile, Pending, instant
from .polling import PollPolicy

__all__ = ["BulkExportClient", "Sleep", "StateHook"]

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_TYPE = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
_RETRY_CODES = frozenset({"transient", "throttled"})

Sleep = Callable[[float], Awaitable[None]]
StateHook = Callable[[ExportState], None]


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)


class BulkExportClient:
    """Bulk Data export against one FHIR server (its `config.scope` should name every type)."""

    def __init__(
        self,
        source: RecordSource,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver | None = None,
        *,
        policy: PollPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._access = BulkAccess(source, config, session, observer)
        self.source = source
        self.config = config
        self.auth = self._access.auth
        self.policy = policy or PollPolicy()
        self._sleep = sleep
        self.files = BulkFiles(self._access)

    # -- kick-off, status, cancel

    async def kick_off(
        self,
        group_id: str | None,
        *,
        types: Sequence[str] = (),
        since: dt.datetime | None = None,
        type_filters: Sequence[str] = (),
        output_format: str | None = None,
        lenient: bool = False,
    ) -> ExportState:
        """Start `Group/[group_id]/$export` (or `Patient/$export` when None); the new state."""
        url = self._kickoff_url(group_id, types, since, type_filters, output_format)
        prefer = "respond-async, handling=lenient" if lenient else "respond-async"
        answer = await self._request("GET", url, {"Accept": FHIR_JSON, "Prefer": prefer})
        if answer.status == 202:
            location = answer.headers.get("Content-Location")
            if not location:
                raise ManifestUnreadable(self.source, "kick-off answered 202 without Content-Location")
            return ExportState(urljoin(url, location))
        issue = issue_code(answer.body)
        if answer.status == 429:
            raise ExportThrottled(self.source, url, issue, retry_after(answer.headers.get("Retry-After")))
        raise ExportRefused(self.source, answer.status, url, issue)

    def _kickoff_url(
        self,
        group_id: str | None,
        types: Sequence[str],
        since: dt.datetime | None,
        type_filters: Sequence[str],
        output_format: str | None,
    ) -> str:
        if group_id is not None and not _ID.match(group_id):
            raise ValueError("a Group id is 1-64 letters, digits, '-' or '.'")
        if any(not _TYPE.match(t) for t in types):
            raise ValueError("types must be FHIR resource type names")
        if since is not None and since.tzinfo is None:
            raise ValueError("since must carry a time zone")
        params: list[tuple[str, str]] = []
        if types:
            params.append(("_type", ",".join(types)))
        if since is not None:
            params.append(("_since", instant(since)))
        if type_filters:
            params.append(("_typeFilter", ",".join(type_filters)))
        if output_format is not None:
            params.append(("_outputFormat", output_format))
        path = f"Group/{quote(group_id, safe='')}/$export" if group_id is not None else "Patient/$export"
        query = urlencode(params, safe=",:")
        return f"{self.config.base_url}/{path}" + (f"?{query}" if query else "")

    async def check(self, state: ExportState) -> ExportState | Pending:
        """One status request: the state with its manifest once complete, else `Pending`."""
        if state.manifest is not None:
            return state
        answer = await self._request("GET", state.status_url, {"Accept": FHIR_JSON})
        wait = retry_after(answer.headers.get("Retry-After"))
        if answer.status == 200:
            try:
                manifest = Manifest.from_json(json.loads(answer.body))
            except ValueError as exc:
                raise ManifestUnreadable(self.source, "unreadable completion manifest") from exc
            return replace(state, manifest=manifest)
        if answer.status == 202:
            return Pending(wait, answer.headers.get("X-Progress"))
        if answer.status == 404:
            raise ExportGone(self.source, 404, state.status_url)
        issue = issue_code(answer.body)
        if answer.status == 429 or issue in _RETRY_CODES or (issue is None and answer.status in (502, 503, 504)):
            return Pending(wait)
        raise ExportFailed(self.source, answer.status, issue)

    async def wait(self, state: ExportState) -> ExportState:
        """Poll until the manifest is in, honouring `Retry-After` within the poll policy."""
        waited, attempt, failures = 0.0, 0, 0
        while True:
            try:
                result = await self.check(state)
                failures = 0
            except (SourceUnavailable, SourceTimeout) as exc:
                if type(exc) not in (SourceUnavailable, SourceTimeout):
                    raise  # a definite answer (gone, failed, refused, unreadable), not a lost connection
                failures += 1
                if failures > self.policy.max_transient:
                    raise
                result = Pending()
            if isinstance(result, ExportState):
                return result
            delay = self.policy.delay(result.retry_after, attempt)
            if waited + delay > self.policy.max_wait:
                raise ExportNotReady(self.source, f"export still running after {waited:.0f} s of polling")
            await self._sleep(delay)
            waited += delay
            attempt += 1

    async def cancel(self, state: ExportState) -> None:
        """Delete the export (cancel it if running, free its files); already gone is fine."""
        answer = await self._request("DELETE", state.status_url, {"Accept": FHIR_JSON})
        if answer.status not in (200, 202, 204, 404):
            raise UpstreamRejected(self.source, answer.status, state.status_url)

    # -- files

    def lines(self, manifest: Manifest, item: OutputFile) -> AsyncIterator[bytes]:
        """The file's non-blank lines as bytes, read as they arrive (never the whole file)."""
        return self.files.lines(manifest, item)

    def resources(self, manifest: Manifest, item: OutputFile) -> AsyncIterator[dict[str, Any]]:
        """The file's resources one by one; FileUnreadable for a line that is not one of its type."""
        return self.files.resources(manifest, item)

    def save(self, state: ExportState, directory: Path) -> AsyncIterator[ExportState]:
        """Save each pending file as `directory/NNN.kind.Type.ndjson`, yielding the state after each."""
        return self.files.save(state, directory)

    async def export(
        self,
        group_id: str | None,
        directory: Path,
        *,
        state: ExportState | None = None,
        on_state: StateHook | None = None,
        delete: bool = True,
        **kick_off: Any,
    ) -> ExportState:
        """The whole job: kick off (unless resuming `state`), wait, save every file, then
        delete the export on the server. `on_state` sees every new state, to persist it."""
        hook = on_state or (lambda _: None)
        if state is None:
            state = await self.kick_off(group_id, **kick_off)
            hook(state)
        if state.manifest is None:
            state = await self.wait(state)
            hook(state)
        async for saved in self.save(state, directory):
            hook(saved)
            state = saved
        if delete:
            await self.cancel(state)
        return state

    # -- the machinery

    async def _request(self, method: str, url: str, headers: Mapping[str, str]) -> _Answer:
        """One small request (kick-off, status, delete) with the token; a refused token is
        renewed once."""
        for _ in range(2):
            token = await self._access.token_for(url)
            answer = await self._send(method, url, {**headers, "Authorization": f"Bearer {token}"})
            if answer.status != 401:
                return answer
            self.auth.invalidate(token)
        raise UpstreamRejected(self.source, 401, url)

    async def _send(self, method: str, url: str, headers: Mapping[str, str]) -> _Answer:
        started = time.monotonic()
        status = "error"
        timeout = aiohttp.ClientTimeout(total=self.config.timeout)
        try:
            async with self._access.session.request(method, url, headers=headers, timeout=timeout) as response:
                status = str(response.status)
                return _Answer(response.status, dict(response.headers), await response.read())
        except TimeoutError as exc:
            status = "timeout"
            raise SourceTimeout(self.source, "bulk export request timed out") from exc
        except aiohttp.ClientError as exc:
            raise SourceUnavailable(self.source, "bulk export endpoint unreachable") from exc
        finally:
            self._access.observer.upstream_call(self.source, KIND, status, time.monotonic() - started)
