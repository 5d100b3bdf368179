"""Spans the gateway makes, caught in memory: a tracer provider for the test process (installed
once, on first use), recording only while a test captures."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

__all__ = ["Captured", "capture_spans"]


class Captured(SpanExporter):
    """Finished spans, kept only while `capturing`."""

    def __init__(self) -> None:
        self.capturing = False
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self.capturing:
            self.spans.extend(spans)
        return SpanExportResult.SUCCESS

    def of_trace(self, trace_id: int) -> list[ReadableSpan]:
        return [s for s in self.spans if s.context is not None and s.context.trace_id == trace_id]


_captured: Captured | None = None


@contextlib.contextmanager
def capture_spans() -> Iterator[Captured]:
    """Spans finished inside the block."""
    global _captured
    if _captured is None:
        _captured = Captured()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_captured))
        trace.set_tracer_provider(provider)
    _captured.spans.clear()
    _captured.capturing = True
    try:
        yield _captured
    finally:
        _captured.capturing = False
