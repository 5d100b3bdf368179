"""Note contents: the text Binaries of notes a client asked the text of, and a PDF streamed under a cap.

A Binary is read only when a query selects a note's `text` (the resolvers batch a request's notes
into one call), each once, all at once, by the exact URL the DocumentReference gave; a PDF is never
read for a list: it is streamed only when a client downloads it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
from collections.abc import AsyncIterator, Sequence

import aiohttp

from ..base import Download
from ..errors import DocumentTooLarge, SourceError, SourceUnavailable
from ..records import NoteContent, RecordSource
from . import mapping
from .client import FhirClient

__all__ = ["open_document", "texts"]

_CHUNK = 64 * 1024


async def texts(client: FhirClient, kind: str, contents: Sequence[NoteContent]) -> list[str | SourceError]:
    """The text of each content, aligned with `contents`: each distinct URL read once, all at
    once (the client's concurrency bound holds them), by the exact URL the note gave."""
    urls = sorted({c.url for c in contents})
    found = dict(zip(urls, await asyncio.gather(*(_text(client, kind, u) for u in urls)), strict=True))
    return [found[c.url] for c in contents]


async def _text(client: FhirClient, kind: str, url: str) -> str | SourceError:
    try:
        binary = await client.read_url(kind, url, "Binary")
    except SourceError as exc:
        return exc
    text = mapping.binary_text(binary)
    return text if text is not None else SourceUnavailable(client.source, "unreadable answer (Binary)")


@contextlib.asynccontextmanager
async def open_document(client: FhirClient, kind: str, content: NoteContent, cap: int) -> AsyncIterator[Download]:
    """The document `content` names, from its Binary (raw, `Accept` its own media type, as
    binary.md asks) or from the note's own inline data; DocumentTooLarge past `cap` bytes,
    decided before any byte is handed on."""
    if content.inline:
        data = await _inline(client, kind, content)
        yield Download(content.content_type, _capped(client.source, len(data), cap), _one(data))
        return
    async with client.raw(kind, content.url, content.content_type) as resp:
        media = resp.content_type.lower()
        if "json" in media:  # a server that answers the Binary resource instead of its bytes
            data = _binary_bytes(client.source, await _read(client.source, resp, cap * 2 + 4096))
            yield Download(content.content_type, _capped(client.source, len(data), cap), _one(data))
        elif media != content.content_type:
            raise SourceUnavailable(client.source, "unexpected media type (document)")
        elif resp.content_length is None:  # not announced: held until the cap tells
            data = await _read(client.source, resp, cap)
            yield Download(media, len(data), _one(data))
        else:
            size = _capped(client.source, resp.content_length, cap)
            yield Download(media, size, _streamed(client.source, resp, size))


def _capped(source: RecordSource, size: int, cap: int) -> int:
    if size > cap:
        raise DocumentTooLarge(source, cap)
    return size


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _read(source: RecordSource, resp: aiohttp.ClientResponse, cap: int) -> bytes:
    held = bytearray()
    try:
        async for chunk in resp.content.iter_chunked(_CHUNK):
            held += chunk
            if len(held) > cap:
                raise DocumentTooLarge(source, cap)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SourceUnavailable(source, "unreadable answer (truncated)") from exc
    return bytes(held)


async def _streamed(source: RecordSource, resp: aiohttp.ClientResponse, size: int) -> AsyncIterator[bytes]:
    """The body as it comes, never more than the announced size."""
    sent = 0
    try:
        async for chunk in resp.content.iter_chunked(_CHUNK):
            sent += len(chunk)
            if sent > size:
                raise SourceUnavailable(source, "unreadable answer (longer than announced)")
            yield chunk
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SourceUnavailable(source, "unreadable answer (truncated)") from exc
    if sent != size:
        raise SourceUnavailable(source, "unreadable answer (truncated)")


async def _inline(client: FhirClient, kind: str, content: NoteContent) -> bytes:
    note = await client.read_url(kind, content.url, "DocumentReference")
    for attachment in mapping.attachments(note):
        if mapping.media_of(attachment) == content.content_type and attachment.get("data"):
            return _decoded(client.source, attachment.get("data"))
    raise SourceUnavailable(client.source, "unreadable answer (no inline document)")


def _binary_bytes(source: RecordSource, body: bytes) -> bytes:
    try:
        binary = json.loads(body)
    except ValueError as exc:
        raise SourceUnavailable(source, "unreadable answer (not JSON)") from exc
    if not isinstance(binary, dict) or binary.get("resourceType") != "Binary":
        raise SourceUnavailable(source, "unreadable answer (Binary)")
    return _decoded(source, binary.get("data"))


def _decoded(source: RecordSource, data: object) -> bytes:
    try:
        return base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SourceUnavailable(source, "unreadable answer (not base64)") from exc

