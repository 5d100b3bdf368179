"""The `/graphql` endpoint: GraphQL over HTTP (GET for queries, POST JSON), signed-in only."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry import Schema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as StrawberryOperation

from gateway.audit import AuditSink, AuditUnavailable, events_for
from gateway.auth import AuthError
from gateway.config import Config
from gateway.metrics import GatewayMetrics
from gateway.persisted import PersistedDocuments, PersistedQueryError, PersistedQueryNotFound, Resolved
from gateway.proxies import TrustedProxies
from gateway.runtime import Runtime
from resolvers.audit import AuditClosed
from resolvers.errors import RateLimited
from resolvers.principal import Principal
from sources.calls.deadline import deadline_scope
from sources.calls.tracing import span

from .audit_gate import audit_refusal, commit_audit, require_audit
from .documents import DocumentCache, select_operation
from .errors import format_errors
from .headers import text_header
from .params import GraphQLParams, read_params, too_large
from .phases import GatewayContext, Phase
from .problems import HttpProblem, error_body, problem_response, request_error_status
from .responses import JSON
from .validation import Validator

__all__ = ["GraphQLEndpoint"]

_log = logging.getLogger("gateway.graphql")
_GRAPHQL_RESPONSE = "application/graphql-response+json"
_MAX_PURPOSE = 500


def _response_type(request: Request) -> str:
    """The media type to answer with; 406 when the client accepts no JSON at all."""
    accept = request.headers.get("accept", "").lower()
    if not accept or _GRAPHQL_RESPONSE in accept:
        return _GRAPHQL_RESPONSE if accept else "application/json"
    if any(kind in accept for kind in ("application/json", "*/*", "application/*")):
        return "application/json"
    raise HttpProblem(406, "NOT_ACCEPTABLE", "Accept application/json or " + _GRAPHQL_RESPONSE)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    asks = "query" in request.query_params or "extensions" in request.query_params
    return request.method == "GET" and "text/html" in accept and not asks


class GraphQLEndpoint:
    """Sign-in, request checks, execution, error shaping, metrics; one instance per app."""

    def __init__(
        self,
        schema: Schema,
        config: Config,
        metrics: GatewayMetrics,
        graphiql_page: str | None,
    ) -> None:
        self._schema = schema
        self._config = config
        self._metrics = metrics
        self._graphiql_page = graphiql_page
        self._documents = DocumentCache(max_tokens=config.limits.max_tokens)
        self._validator = Validator(schema._schema, config.limits, introspection=config.introspection)
        self._proxies = TrustedProxies(config.trusted_proxies)

    async def handle(self, request: Request) -> Response:
        """One request, in a server span (continuing the caller's trace only behind a trusted proxy)."""
        peer = request.client.host if request.client else None
        carrier = dict(request.headers) if self._proxies.trusts(peer) else None
        attributes = {"http.request.method": request.method, "http.route": "/graphql",
                      "mhs.request_id": request.state.request_id}
        with span(f"{request.method} /graphql", kind="server", attributes=attributes, carrier=carrier) as note:
            response, operation, outcome = await self._handle(request)
            note.set("http.response.status_code", response.status_code)
            note.set("graphql.operation.name", operation)
            note.set("mhs.outcome", outcome)
            if request.state.client_request_id:
                note.set("mhs.client_request_id", request.state.client_request_id)
            if response.status_code >= 500:
                note.failed(str(response.status_code))
            return response

    async def _handle(self, request: Request) -> tuple[Response, str, str]:
        started = time.perf_counter()
        operation = "other"
        media_type = "application/json"
        try:
            if request.method not in ("GET", "POST"):
                raise HttpProblem(405, "METHOD_NOT_ALLOWED", "Use GET or POST.",
                                  headers={"Allow": "GET, POST"})
            if _wants_html(request):
                if self._graphiql_page is None:
                    raise HttpProblem(406, "NOT_ACCEPTABLE", "GraphiQL is disabled here.")
                return HTMLResponse(self._graphiql_page, headers=_PAGE_HEADERS), "graphiql", "ok"
            media_type = _response_type(request)
            response, operation, outcome = await self._run(request, media_type)
        except HttpProblem as problem:
            response = problem_response(problem, media_type)
            outcome = {401: "unauthenticated", 429: "rate_limited"}.get(problem.status, "rejected")
            if problem.code == PersistedQueryNotFound.code:
                outcome = "persisted_query_miss"  # the protocol's first step, not a refusal
        except AuthError as error:
            response = JSON(
                error_body("UNAUTHENTICATED", error.message, reason=error.reason.value),
                status_code=error.status,
                headers={"WWW-Authenticate": _challenge(error)},
                media_type=media_type,
            )
            outcome = "unauthenticated"
            _log.info("sign-in refused", extra={"reason": error.reason.value,
                                                "detail": error.detail})
        except Exception as error:
            _log.exception("request failed", extra={"exception_type": type(error).__name__})
            response = JSON(
                error_body("INTERNAL_SERVER_ERROR", "Internal server error."),
                status_code=500, media_type=media_type,
            )
            outcome = "failed"
        # Answers carry health data for one signed-in user: no shared or browser cache may keep them.
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.headers.setdefault("Vary", "Authorization")
        self._metrics.request(operation, outcome, time.perf_counter() - started)
        return response, operation, outcome

    async def _run(self, request: Request, media_type: str) -> tuple[Response, str, str]:
        runtime: Runtime = request.app.state.runtime
        if request.method == "POST":
            _check_length_early(request, self._config.limits.max_body_bytes)
        principal = await runtime.authenticator.authenticate(request.headers)
        params = await read_params(request, self._config.limits.max_body_bytes, self._config.request_timeout)
        resolved = await _resolve(runtime.persisted, params)
        with span("graphql.parse"):
            parsed = self._documents.parse(resolved.text, resolved.sha256)
        operation = select_operation(parsed.document, params.operation_name, request.method)
        client_address = self._proxies.client(request.client.host if request.client else None, request.headers)
        await _admit(runtime, principal, client_address, operation)
        operation_name = operation.name.value if operation.name else None
        operation_label = self._metrics.operations.label(operation_name, known=resolved.known)
        purpose = _break_glass_reason(request)
        with span("graphql.validate"):
            invalid = self._validator.errors(parsed, operation, params.variables)
        if invalid:  # nothing runs, nothing is registered: refused before any source is asked
            refusal = {"errors": format_errors(invalid, Phase.VALIDATE, suggestions=self._config.field_suggestions)}
            status = request_error_status(media_type)
            return JSON(refusal, status_code=status, media_type=media_type), operation_label, "rejected"
        sink = runtime.audit
        if operation.operation is OperationType.MUTATION:
            require_audit(sink)  # a write must never happen unrecorded
        context = GatewayContext(
            services=runtime.services,
            principal=principal,
            request_id=request.state.request_id,
            client_request_id=request.state.client_request_id,
            client_address=client_address,
            purpose=purpose,
            operation_name=operation_name,
            document_hash=parsed.hash,
            document=parsed.document,
            operation=operation,
        )
        context.audit.closed = sink is None or not sink.accepting
        allowed = (
            {StrawberryOperation.QUERY, StrawberryOperation.MUTATION}
            if request.method == "POST"
            else {StrawberryOperation.QUERY}
        )
        with deadline_scope(self._config.request_timeout), span("graphql.execute") as executing:
            executing.set("graphql.operation.type", operation.operation.value)
            result = await self._schema.execute(
                resolved.text,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
            )
        await _record_audit(sink, context, result.errors or ())
        await runtime.persisted.register(resolved, parsed.document)  # it validated: it can run
        response, outcome = self._answer(result, context, media_type)
        return response, operation_label, outcome

    def _answer(self, result: ExecutionResult, context: GatewayContext, media_type: str) -> tuple[Response, str]:
        """The answer and its outcome: variables that did not coerce are a request error; a spent
        quota (bookings per day) is 429 with Retry-After; anything else is 200 with data and errors."""
        phase = context.phase
        body: dict[str, Any] = {}
        refused = phase is Phase.VARIABLES and bool(result.errors)
        errors = list(result.errors or ())
        if phase is Phase.VARIABLES and context.variable_errors:
            errors = context.variable_errors  # graphql-core's own messages, before any masking
        if errors:
            body["errors"] = format_errors(errors, phase, suggestions=self._config.field_suggestions)
        if not refused:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        status = request_error_status(media_type) if refused else 200
        outcome = "rejected" if refused else ("error" if result.errors else "ok")
        headers: dict[str, str] = {}
        waits = [_retry_after(e) for e in errors]
        if any(wait is not None for wait in waits):  # a quota (bookings per day) was spent
            status, outcome = 429, "rate_limited"
            headers["Retry-After"] = str(max(w for w in waits if w is not None))
        return JSON(body, status_code=status, headers=headers, media_type=media_type), outcome


_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def _resolve(persisted: PersistedDocuments, params: GraphQLParams) -> Resolved:
    """The document to run: the query text, or the one its persisted-query hash names."""
    try:
        resolved = await persisted.resolve(params.query, params.extensions)
    except PersistedQueryNotFound as error:
        # a CDN must not remember the miss: the client's retry registers the document
        raise HttpProblem(error.status, error.code, error.message,
                          headers={"Cache-Control": "no-store"}) from None
    except PersistedQueryError as error:
        raise HttpProblem(error.status, error.code, error.message) from None
    if resolved is None:
        raise HttpProblem(400, "BAD_REQUEST", "A `query` is required.")
    return resolved


async def _admit(
    runtime: Runtime, principal: Principal, address: str | None, operation: OperationDefinitionNode
) -> None:
    """Count the request against its rate limits; 429 with Retry-After when one is spent."""
    if runtime.limiter is None:
        return
    try:
        await runtime.limiter.admit(principal, address, write=operation.operation is OperationType.MUTATION)
    except RateLimited as limited:
        raise HttpProblem(
            429, limited.code, str(limited),
            headers={"Retry-After": str(limited.retry_after)},
            extensions={"limit": limited.limit, "retryAfter": limited.retry_after},
        ) from None


def _retry_after(error: GraphQLError) -> int | None:
    original = error.original_error
    return original.retry_after if isinstance(original, RateLimited) else None


async def _record_audit(sink: AuditSink | None, context: GatewayContext, errors: Sequence[GraphQLError]) -> None:
    """Commit who touched which patient before anything is answered; serve nothing if that cannot
    be done in time (fail closed: the data never leaves)."""
    await commit_audit(sink, events_for(context))
    if any((e.extensions or {}).get("code") == AuditClosed.code for e in errors):
        raise audit_refusal(AuditUnavailable("FAILING", sink.pending if sink else 0))


def _break_glass_reason(request: Request) -> str | None:
    """The `X-Break-Glass-Reason` header (it is stored in the audit row): clean UTF-8 text or 400."""
    return text_header(request, "X-Break-Glass-Reason", _MAX_PURPOSE)


def _challenge(error: AuthError) -> str:
    if error.status != 401:
        return "Bearer"
    code = "invalid_request" if error.reason.value == "TOKEN_MISSING" else "invalid_token"
    return f'Bearer error="{code}"'


def _check_length_early(request: Request, limit: int) -> None:
    """Refuse oversized bodies (by Content-Length) before spending effort on sign-in."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
