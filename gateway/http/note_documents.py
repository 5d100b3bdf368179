"""`GET /documents/{id}`: a note's PDF, streamed from its source after the note's own access check.

The order is the GraphQL endpoint's: sign-in, rate limit, the audit log must be taking events
(else 503 before any source is asked), the note read and its owner opened as `node(id:)` does,
the audit events committed, and only then the source's Binary is opened and its bytes passed on
as they come. A document over `MHS_GATEWAY_DOCUMENT_MAX_BYTES` is refused before any byte
(413 `DOCUMENT_TOO_LARGE`). Ids that name nothing the caller may download all answer one 404
`NOT_FOUND`. No shared cache keeps the answer, and a browser saves it rather than showing it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.audit import events_for
from gateway.auth import AuthError
from gateway.config import Config
from gateway.proxies import TrustedProxies
from gateway.runtime import Runtime
from resolvers.audit import AuditClosed
from resolvers.context import RequestContext
from resolvers.documents import DOCUMENT_PATH, note_document
from resolvers.errors import DocumentNotFound, Forbidden, GatewayError, RateLimited
from sources.base import Download
from sources.calls.deadline import deadline_scope
from sources.errors import DocumentTooLarge, SourceError, UpstreamRejected

from .audit_gate import commit_audit, require_audit
from .headers import text_header
from .problems import HttpProblem, error_body
from .responses import JSON

__all__ = ["ROUTE", "NoteDocumentRoute"]

_log = logging.getLogger("gateway.documents")
ROUTE = DOCUMENT_PATH + "{note_id}"
_OPERATION = "GET " + DOCUMENT_PATH
_PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Authorization"}
_DOCUMENT_HEADERS = {
    **_PRIVATE,
    "Content-Disposition": 'attachment; filename="clinical-note.pdf"',
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


_RETRY = {"Retry-After": "5"}


class NoteDocumentRoute:
    """Serves note documents; one instance per app."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._proxies = TrustedProxies(config.trusted_proxies)

    async def handle(self, request: Request) -> Response:
        try:
            return await self._serve(request)
        except AuthError as error:
            code = "invalid_request" if error.reason.value == "TOKEN_MISSING" else "invalid_token"
            challenge = f'Bearer error="{code}"' if error.status == 401 else "Bearer"
            return _error(error.status, "UNAUTHENTICATED", error.message, {"WWW-Authenticate": challenge})
        except HttpProblem as problem:  # refused: rate limit, audit, the note, a malformed header
            return _error(problem.status, problem.code, problem.message, problem.headers)

    async def _serve(self, request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        principal = await runtime.authenticator.authenticate(request.headers)
        address = self._proxies.client(request.client.host if request.client else None, request.headers)
        if runtime.limiter is not None:
            try:
                await runtime.limiter.admit(principal, address, write=False)
            except RateLimited as limited:
                retry = {"Retry-After": str(limited.retry_after)}
                raise HttpProblem(429, limited.code, str(limited), headers=retry) from None
        sink = runtime.audit
        require_audit(sink)
        ctx = RequestContext(
            services=runtime.services,
            principal=principal,
            request_id=request.state.request_id,
            client_address=address,
            client_request_id=request.state.client_request_id,
            purpose=text_header(request, "X-Break-Glass-Reason", 500),
            operation_name=_OPERATION,
        )
        ctx.audit.closed = sink is None or not sink.accepting
        with deadline_scope(self._config.request_timeout):
            try:
                document = await note_document(ctx, request.path_params["note_id"])
            except GatewayError as error:
                await commit_audit(sink, events_for(ctx))  # refusals are audited too
                raise _refusal_for(error) from None
            await commit_audit(sink, events_for(ctx))  # committed before anything of the document leaves
            stack = contextlib.AsyncExitStack()
            try:
                opened = document.server.open_document(document.content, self._config.document_max_bytes)
                download = await stack.enter_async_context(opened)
            except BaseException as error:
                await stack.aclose()
                raise _refusal_of(error) from None
        headers = {**_DOCUMENT_HEADERS, "Content-Length": str(download.size)}
        return StreamingResponse(_body(stack, download), headers=headers, media_type=download.content_type)


async def _body(stack: contextlib.AsyncExitStack, download: Download) -> AsyncIterator[bytes]:
    """The document's bytes as the source sends them; the upstream answer closes with the stream."""
    try:
        async for chunk in download.chunks:
            yield chunk
    except SourceError as error:  # headers are gone: the connection ends short of Content-Length
        _log.warning("document stream cut", extra={"source": str(error.source), "detail": error.detail})
    finally:
        await stack.aclose()


def _refusal_of(error: BaseException) -> BaseException:
    """What a failure to open the document answers (unexpected errors pass through)."""
    if isinstance(error, DocumentTooLarge):
        return HttpProblem(413, error.code, f"The document is larger than this gateway serves ({error.limit} bytes).")
    if isinstance(error, UpstreamRejected) and error.status in (404, 410):
        return _refusal_for(DocumentNotFound())
    if isinstance(error, SourceError):
        return HttpProblem(503, "SOURCE_UNAVAILABLE", "The document's source could not be reached.",
                           headers=_RETRY)
    return error


def _error(status: int, code: str, message: str, headers: dict[str, str]) -> Response:
    return JSON(error_body(code, message), status_code=status, headers={**_PRIVATE, **headers})


def _refusal_for(error: GatewayError) -> HttpProblem:
    """A resolver's refusal as this route answers it."""
    if isinstance(error, DocumentNotFound):
        return HttpProblem(404, error.code, str(error))
    if isinstance(error, Forbidden):
        return HttpProblem(403, error.code, str(error))
    if isinstance(error, AuditClosed):
        return HttpProblem(503, error.code, str(error), headers=_RETRY)
    return HttpProblem(503, str(error.extensions.get("code", "SOURCE_UNAVAILABLE")), str(error), headers=_RETRY)
