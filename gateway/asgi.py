"""The ASGI entry point uvicorn imports (`gateway.asgi:create_app_from_env`, factory mode)."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from .app import create_app
from .config import Config
from .logging import configure_logging
from .tracing import configure_tracing

__all__ = ["create_app_from_env"]


def create_app_from_env() -> Starlette:
    """Build the config from this process's environment (each uvicorn worker does this once)."""
    config = Config.from_env(os.environ)
    configure_logging(config.log_level)
    configure_tracing(config)
    return create_app(config)
