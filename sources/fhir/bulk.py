"""A FHIR Bulk Data export client: kick off, poll, stream the NDJSON files, cancel; resumable.

`BulkExportClient` drives the asynchronous request pattern of the HL7 Bulk Data Access IG
(`Group/[id]/$export`, `Patient/$export`) with a SMART backend-services token. Everything it
learns is kept in an `ExportState` that serialises to JSON (`to_json` / `from_json`): a job
killed halfway starts again from its last saved state, polling the same status URL and
downloading only the files it had not finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import aiohttp

from ..calls.observe import NullObserver, UpstreamObserver
from ..errors import SourceTimeout, SourceUnavailable, UpstreamRejected
from ..records import RecordSource
from .auth import SmartAuth
from .config import FhirSourceConfig
from .retry import retry_after

__all__ = [
    "BulkExportClient",
    "ExportFailed",
    "ExportGone",
    "ExportNotReady",
    "ExportRefused",
    "ExportState",
    "ExportThrottled",
    "FileUnreadable",
    "Manifest",
    "ManifestUnreadable",
    "OutputFile",
    "Pending",
    "PollPolicy",
]

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
KIND = "bulk-export"
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_TYPE = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_CODES = frozenset({"transient", "throttled"})
_CHUNK = 64 * 1024
_MAX_LINE = 64 * 1024 * 1024
_WRITE_BATCH = 256 * 1024


# ---- errors -------------------------------------------------------------------------------------


class ExportRefused(UpstreamRejected):
    """The server refused the kick-off (bad parameter, missing scope, unknown group, ...);
    `issue_code` is the OperationOutcome's first issue code when it sent one."""

    code = "BULK_EXPORT_REFUSED"

    def __init__(self, source: RecordSource, status: int, url: str, issue_code: str | None) -> None:
        self.issue_code = issue_code
        super().__init__(source, status, url)


class ExportThrottled(ExportRefused):
    """429 at kick-off: this client already has an export running (Millennium allows one)."""

    def __init__(self, source: RecordSource, url: str, issue_code: str | None, wait: float | None) -> None:
        self.retry_after = wait
        super().__init__(source, 429, url, issue_code)


class ExportGone(UpstreamRejected):
    """The status URL or a file answered 404: the export was deleted or has expired; kick off anew."""

    code = "BULK_EXPORT_GONE"


class ExportFailed(SourceUnavailable):
    """The status endpoint reports that the export job itself failed."""

    code = "BULK_EXPORT_FAILED"

    def __init__(self, source: RecordSource, status: int, issue_code: str | None) -> None:
        self.status = status
        self.issue_code = issue_code
        super().__init__(source, f"export failed: HTTP {status} ({issue_code or 'no OperationOutcome'})")


class ExportNotReady(SourceTimeout):
    """The export was still running when the poll policy's wait ran out; the state still resumes."""

    code = "BULK_EXPORT_NOT_READY"


class ManifestUnreadable(SourceUnavailable):
    """The completion manifest (or the kick-off answer) is not what the IG describes."""


class FileUnreadable(SourceUnavailable):
    """An NDJSON file has a line that is not a resource of its type, or fewer lines than promised."""


# ---- what the client knows ----------------------------------------------------------------------


@dataclass(frozen=True)
class OutputFile:
    """One file of the manifest: the resource type of every line, its URL, its line count if given."""

    type: str
    url: str
    count: int | None = None


@dataclass(frozen=True)
class Manifest:
    """The completion manifest: as of when, the request, and the output and error files."""

    transaction_time: dt.datetime
    request: str
    requires_access_token: bool
    output: tuple[OutputFile, ...]
    error: tuple[OutputFile, ...] = ()

    @property
    def files(self) -> tuple[OutputFile, ...]:
        return self.output + self.error

    def to_json(self) -> dict[str, Any]:
        """The manifest in the IG's JSON shape."""

        def item(f: OutputFile) -> dict[str, Any]:
            return {"type": f.type, "url": f.url, **({"count": f.count} if f.count is not None else {})}

        return {
            "transactionTime": _instant(self.transaction_time),
            "request": self.request,
            "requiresAccessToken": self.requires_access_token,
            "output": [item(f) for f in self.output],
            "error": [item(f) for f in self.error],
        }

    @classmethod
    def from_json(cls, body: Any) -> Manifest:
        """Parse a manifest; ValueError when a required element is missing or mistyped."""
        if not isinstance(body, Mapping):
            raise ValueError("the manifest is not a JSON object")
        when = body.get("transactionTime")
        request = body.get("request")
        requires = body.get("requiresAccessToken")
        if not isinstance(when, str) or not isinstance(request, str) or not isinstance(requires, bool):
            raise ValueError("the manifest needs transactionTime, request and requiresAccessToken")
        moment = dt.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError("transactionTime has no time zone")
        return cls(moment, request, requires, _files(body.get("output")), _files(body.get("error", [])))


def _files(items: Any) -> tuple[OutputFile, ...]:
    if not isinstance(items, list):
        raise ValueError("output and error must be arrays")
    out = []
    for item in items:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("type"), str)
            or not isinstance(item.get("url"), str)
        ):
            raise ValueError("every file needs a type and a url")
        count = item.get("count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            raise ValueError("a file's count must be a whole number")
        out.append(OutputFile(item["type"], item["url"], count))
    return tuple(out)


@dataclass(frozen=True)
class ExportState:
    """Where one export stands: its status URL, the manifest once complete, the files saved."""

    status_url: str
    manifest: Manifest | None = None
    downloaded: tuple[str, ...] = ()

    @property
    def pending(self) -> tuple[OutputFile, ...]:
        """The manifest's files not yet saved (empty before the manifest is known)."""
        done = set(self.downloaded)
        return tuple(f for f in (self.manifest.files if self.manifest else ()) if f.url not in done)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form (no token, no resource content)."""
        return {
            "statusUrl": self.status_url,
            "manifest": self.manifest.to_json() if self.manifest else None,
            "downloaded": list(self.downloaded),
        }

    @classmethod
    def from_json(cls, data: Any) -> ExportState:
        """The state `to_json` wrote; ValueError when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("statusUrl"), str):
            raise ValueError("an export state needs statusUrl")
        downloaded = data.get("downloaded", [])
        if not isinstance(downloaded, list) or not all(isinstance(u, str) for u in downloaded):
            raise ValueError("downloaded must be a list of URLs")
        raw = data.get("manifest")
        manifest = Manifest.from_json(raw) if raw is not None else None
        return cls(data["statusUrl"], manifest, tuple(downloaded))


@dataclass(frozen=True)
class Pending:
    """The export is still running: the server's `Retry-After` (seconds) and `X-Progress`."""

    retry_after: float | None = None
    progress: str | None = None


@dataclass(frozen=True)
class PollPolicy:
    """How to poll: the server's `Retry-After`, kept within [min_delay, max_delay]; without one,
    exponential backoff from `min_delay`; `ExportNotReady` once `max_wait` seconds are spent."""

    min_delay: float = 1.0
    max_delay: float = 300.0
    max_wait: float = 6 * 3600.0
    max_transient: int = 5
    """Connection failures in a row tolerated while polling."""

    def __post_init__(self) -> None:
        if not 0 < self.min_delay <= self.max_delay:
            raise ValueError("PollPolicy needs 0 < min_delay <= max_delay")
        if self.max_wait < 0 or self.max_transient < 0:
            raise ValueError("PollPolicy.max_wait and max_transient must not be negative")

    def delay(self, asked: float | None, attempt: int) -> float:
        """Seconds to wait before the next poll."""
        wanted = asked if asked is not None else self.min_delay * 2 ** min(attempt, 30)
        return min(self.max_delay, max(self.min_delay, wanted))


Sleep = Callable[[float], Awaitable[None]]
StateHook = Callable[[ExportState], None]


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)


# ---- the client ---------------------------------------------------------------------------------


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
        self.source = source
        self.config = config
        self._session = session
        self._observer = observer or NullObserver()
        self.policy = policy or PollPolicy()
        self._sleep = sleep
        self.auth = SmartAuth(source, config, session, self._observer)

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
        issue = _issue_code(answer.body)
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
            params.append(("_since", _instant(since)))
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
        issue = _issue_code(answer.body)
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

    async def lines(self, manifest: Manifest, item: OutputFile) -> AsyncIterator[bytes]:
        """The file's non-blank lines as bytes, read as they arrive (never the whole file)."""
        async with self._download(manifest, item) as response:
            buffer = b""
            try:
                async for chunk in response.content.iter_chunked(_CHUNK):
                    buffer += chunk
                    if b"\n" in chunk:  # else the line goes on: nothing to split yet
                        *complete, buffer = buffer.split(b"\n")
                        for line in complete:
                            if line.strip():
                                yield line
                    if len(buffer) > _MAX_LINE:
                        raise FileUnreadable(self.source, "an NDJSON line is longer than 64 MiB")
            except aiohttp.ClientError as exc:
                raise SourceUnavailable(self.source, "export file download broke off") from exc
            if buffer.strip():
                yield buffer

    async def resources(self, manifest: Manifest, item: OutputFile) -> AsyncIterator[dict[str, Any]]:
        """The file's resources one by one; FileUnreadable for a line that is not one of its type."""
        async for line in self.lines(manifest, item):
            yield self._resource(line, item)

    async def save(self, state: ExportState, directory: Path) -> AsyncIterator[ExportState]:
        """Save each pending file as `directory/NNN.Type.ndjson`, yielding the state after each.

        A file is written to a `.part` name and renamed once whole, so a saved state never
        names a half-written file; files already in `state.downloaded` are skipped."""
        if state.manifest is None:
            raise ValueError("the export has no manifest yet: wait() for it first")
        manifest = state.manifest
        for index, item in enumerate(manifest.files):
            if item.url in state.downloaded:
                continue
            kind = "error" if index >= len(manifest.output) else "output"
            target = directory / f"{index:03d}.{kind}.{item.type}.ndjson"
            await self._save_one(manifest, item, target)
            state = replace(state, downloaded=(*state.downloaded, item.url))
            yield state

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

    async def _save_one(self, manifest: Manifest, item: OutputFile, target: Path) -> None:
        part = target.with_name(target.name + ".part")
        handle = await asyncio.to_thread(part.open, "wb")
        count, batch = 0, bytearray()
        try:
            async for line in self.lines(manifest, item):
                self._resource(line, item)
                batch += line + b"\n"
                count += 1
                if len(batch) >= _WRITE_BATCH:
                    await asyncio.to_thread(handle.write, bytes(batch))
                    batch.clear()
            await asyncio.to_thread(handle.write, bytes(batch))
        finally:
            await asyncio.to_thread(handle.close)
        if item.count is not None and count != item.count:
            raise FileUnreadable(self.source, f"an export file has {count} lines, the manifest says {item.count}")
        await asyncio.to_thread(part.replace, target)

    def _resource(self, line: bytes, item: OutputFile) -> dict[str, Any]:
        try:
            resource = json.loads(line)
        except ValueError as exc:
            raise FileUnreadable(self.source, "an NDJSON line is not JSON") from exc
        if not isinstance(resource, dict) or resource.get("resourceType") != item.type:
            raise FileUnreadable(self.source, f"an NDJSON line is not a {item.type}")
        return resource

    @contextlib.asynccontextmanager
    async def _download(self, manifest: Manifest, item: OutputFile) -> AsyncIterator[aiohttp.ClientResponse]:
        """The file's response, open: redirects are followed without the bearer token."""
        url = item.url
        for _ in range(2):  # a second round only after a refused token
            headers = {"Accept": NDJSON}
            token = await self._token_for(url) if manifest.requires_access_token else None
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            response = await self._get(url, headers)
            if response.status in _REDIRECTS and response.headers.get("Location"):
                target = urljoin(url, response.headers["Location"])
                response.release()
                response = await self._get(target, {"Accept": NDJSON})
            if response.status == 401 and token is not None:
                response.release()
                self.auth.invalidate(token)
                continue
            try:
                if response.status == 404:
                    raise ExportGone(self.source, 404, url)
                if response.status != 200:
                    raise UpstreamRejected(self.source, response.status, url)
                yield response
            finally:
                response.release()
            return
        raise UpstreamRejected(self.source, 401, url)

    async def _get(self, url: str, headers: Mapping[str, str]) -> aiohttp.ClientResponse:
        """Open a file download: no overall limit, but each read must come within the timeout."""
        limits = aiohttp.ClientTimeout(total=None, sock_connect=self.config.timeout, sock_read=self.config.timeout)
        started = time.monotonic()
        status = "error"
        try:
            response = await self._session.get(url, headers=headers, allow_redirects=False, timeout=limits)
            status = str(response.status)
            return response
        except aiohttp.ClientError as exc:
            raise SourceUnavailable(self.source, "export file unreachable") from exc
        finally:
            self._observer.upstream_call(self.source, KIND, status, time.monotonic() - started)

    # -- the machinery

    async def _token_for(self, url: str) -> str:
        """A bearer token, only ever for a URL on the FHIR server's own origin."""
        if _origin(url) != _origin(self.config.base_url):
            raise ManifestUnreadable(self.source, "the server named a URL outside its own origin")
        return await self.auth.token()

    async def _request(self, method: str, url: str, headers: Mapping[str, str]) -> _Answer:
        """One small request (kick-off, status, delete) with the token; a refused token is
        renewed once."""
        for _ in range(2):
            token = await self._token_for(url)
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
            async with self._session.request(method, url, headers=headers, timeout=timeout) as response:
                status = str(response.status)
                return _Answer(response.status, dict(response.headers), await response.read())
        except TimeoutError as exc:
            status = "timeout"
            raise SourceTimeout(self.source, "bulk export request timed out") from exc
        except aiohttp.ClientError as exc:
            raise SourceUnavailable(self.source, "bulk export endpoint unreachable") from exc
        finally:
            self._observer.upstream_call(self.source, KIND, status, time.monotonic() - started)


def _issue_code(body: bytes) -> str | None:
    """The first issue code of an OperationOutcome body, if it is one."""
    try:
        outcome = json.loads(body) if body else None
    except ValueError:
        return None
    if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
        return None
    issues = outcome.get("issue") or [{}]
    code = issues[0].get("code") if isinstance(issues[0], dict) else None
    return code if isinstance(code, str) else None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
