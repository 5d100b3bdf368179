"""Tracing for upstream calls (OpenTelemetry, when the `otel` extra is installed and the gateway
turned it on): a span per call, and the headers that carry the trace and the request id upstream.

Without an SDK configured every span is a no-op and no `traceparent` is sent; `X-Request-Id` is
sent to every source all the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from .request import request_id_var

try:
    from opentelemetry import propagate, trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode

    TRACING = True
    _tracer = trace.get_tracer("mhs-gateway")  # follows the provider the gateway installs later
    _NO_PROVIDER = trace.get_tracer_provider()  # the API's stand-in until a provider is installed
except ImportError:  # pragma: no cover - the extra is not installed
    TRACING = False

__all__ = ["TRACING", "SpanNote", "outgoing_headers", "span", "sql_comment"]

_KINDS = {"client": "CLIENT", "server": "SERVER", "internal": "INTERNAL"}


class SpanNote:
    """What a traced block can add to its span (nothing happens when tracing is off)."""

    def __init__(self, span: Any = None) -> None:
        self._span = span

    def set(self, key: str, value: str | int | float | bool) -> None:
        if self._span is not None:
            self._span.set_attribute(key, value)

    def failed(self, what: str) -> None:
        """Mark the span as an error (`what` is a type or code, never a message with data)."""
        if self._span is not None:
            self._span.set_status(Status(StatusCode.ERROR, what))
            self._span.set_attribute("error.type", what)


@contextlib.contextmanager
def span(name: str, *, kind: str = "internal", attributes: Mapping[str, str | int | float | bool] | None = None,
         carrier: Mapping[str, str] | None = None) -> Iterator[SpanNote]:
    """A span around the block; `carrier` holds incoming headers to continue a caller's trace."""
    if not _tracing():
        yield SpanNote()
        return
    context = propagate.extract(dict(carrier)) if carrier is not None else None
    with _tracer.start_as_current_span(name, context=context, kind=getattr(SpanKind, _KINDS[kind]),
                                      attributes=dict(attributes or {}), record_exception=False,
                                      set_status_on_exception=False) as current:
        note = SpanNote(current if _recording(current) else None)
        try:
            yield note
        except BaseException as error:
            note.failed(type(error).__name__)
            raise


def _tracing() -> bool:
    """Whether spans go anywhere: the extra is installed and a provider was (no no-op spans on
    every request and upstream call otherwise)."""
    return TRACING and trace.get_tracer_provider() is not _NO_PROVIDER


def _recording(current: Span) -> bool:
    return bool(current.is_recording())


def outgoing_headers() -> dict[str, str]:
    """`traceparent` (and `tracestate`) of the current span, and `X-Request-Id`, for an upstream."""
    headers: dict[str, str] = {}
    if _tracing():
        propagate.inject(headers)
    request_id = request_id_var.get()
    if request_id:
        headers["X-Request-Id"] = request_id
    return headers


def sql_comment() -> str:
    """The same, as a trailing SQL comment (sqlcommenter's format), or empty."""
    pairs = sorted((key.lower().replace("-", "_"), value) for key, value in outgoing_headers().items())
    if not pairs:
        return ""
    body = ",".join(f"{quote(key)}='{quote(value, safe='')}'" for key, value in pairs)
    return f" /*{body}*/"
