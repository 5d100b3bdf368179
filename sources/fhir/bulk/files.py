"""Export files: streamed line by line (never whole), or saved under a `.part` name until complete."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import aiohttp

from ...errors import SourceUnavailable, UpstreamRejected
from .access import KIND, NDJSON, BulkAccess
from .errors import ExportGone, FileUnreadable
from .manifest import ExportState, Manifest, OutputFile

__all__ = ["BulkFiles"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_MAX_LINE = 64 * 1024 * 1024
_WRITE_BATCH = 256 * 1024


class BulkFiles:
    """Reads the files of a completed export (a 307 is followed without the bearer token)."""

    def __init__(self, access: BulkAccess) -> None:
        self._access = access
        self.source = access.source
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
            token = await self._access.token_for(url) if manifest.requires_access_token else None
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            response = await self._get(url, headers)
            if response.status in _REDIRECTS and response.headers.get("Location"):
                target = urljoin(url, response.headers["Location"])
                response.release()
                response = await self._get(target, {"Accept": NDJSON})
            if response.status == 401 and token is not None:
                response.release()
                self._access.auth.invalidate(token)
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
        timeout = self._access.config.timeout
        limits = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
        started = time.monotonic()
        status = "error"
        try:
            response = await self._access.session.get(url, headers=headers, allow_redirects=False, timeout=limits)
            status = str(response.status)
            return response
        except aiohttp.ClientError as exc:
            raise SourceUnavailable(self.source, "export file unreachable") from exc
        finally:
            self._access.observer.upstream_call(self.source, KIND, status, time.monotonic() - started)
