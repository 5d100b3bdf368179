"""OpenTelemetry tracing (the `otel` extra), on with MHS_GATEWAY_TRACING: spans go to the OTLP/HTTP
exporter, configured by the standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
OTEL_TRACES_SAMPLER, ...). Each worker process sets it up once, after it started."""

from __future__ import annotations

import logging

from .config import Config
from .errors import ConfigError

__all__ = ["configure_tracing"]

_log = logging.getLogger("gateway.tracing")
_SERVICE = "mhs-gateway"


def configure_tracing(config: Config) -> bool:
    """Install the SDK's tracer provider when tracing is on; whether it was installed."""
    if not config.tracing:
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise ConfigError("MHS_GATEWAY_TRACING", "needs the otel extra: pip install 'mhs-gateway[otel]'") from None
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: _SERVICE}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _log.info("tracing to OTLP/HTTP", extra={"service": str(resource.attributes.get(SERVICE_NAME))})
    return True
