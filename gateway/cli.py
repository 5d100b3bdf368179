"""`mhs-gateway`: serve the gateway, mint a demo sign-in token, or run the whole demo."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .demo_paths import ISSUER_INFO_FILE, ISSUER_KEY_FILE
from .errors import ConfigError

__all__ = ["build_parser", "main"]

_ROLES = ("patient", "clinician", "analyst")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mhs-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the gateway (configured by MHS_GATEWAY_*)")
    serve.add_argument("--host", help="overrides MHS_GATEWAY_HOST")
    serve.add_argument("--port", type=int, help="overrides MHS_GATEWAY_PORT")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=_serve)

    token = commands.add_parser("token", help="mint a sign-in token with the demo's key")
    token.add_argument("--role", required=True, choices=_ROLES)
    token.add_argument("--subject", required=True, help="DoD ID (patients) or practitioner id")
    token.add_argument("--facility", help="the clinician's facility id")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.add_argument("--key-file", type=Path, default=ISSUER_KEY_FILE,
                       help=f"PEM private key (default: the running demo's, {ISSUER_KEY_FILE})")
    token.add_argument("--issuer", help="the iss claim (default: the running demo's issuer)")
    token.add_argument("--audience", help="the aud claim (default: the demo's audience)")
    token.add_argument("--kid", help="the key id (default: the demo's, else the key thumbprint)")
    token.add_argument("--amr", action="append", help="authentication method (repeatable)")
    token.set_defaults(handler=_token)

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


def _demo_info() -> dict[str, str]:
    try:
        info = json.loads(ISSUER_INFO_FILE.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in info.items() if isinstance(v, str)} if isinstance(info, dict) else {}


def _token(args: argparse.Namespace) -> int:
    from .tokens import TokenKeyError, mint_token

    try:
        private_pem = Path(args.key_file).read_text()
    except OSError:
        print(
            f"mhs-gateway: no signing key at {args.key_file}; start `mhs-gateway demo` first "
            "or pass --key-file",
            file=sys.stderr,
        )
        return 2
    info = _demo_info() if Path(args.key_file) == ISSUER_KEY_FILE else {}
    issuer = args.issuer or info.get("issuer")
    if not issuer:
        print("mhs-gateway: no issuer known; pass --issuer", file=sys.stderr)
        return 2
    if args.role == "clinician" and not args.facility:
        print("mhs-gateway: clinician tokens need --facility", file=sys.stderr)
        return 2
    try:
        token = mint_token(
            private_pem,
            issuer=issuer,
            audience=args.audience or info.get("audience") or "mhs-gateway",
            role=args.role,
            subject=args.subject,
            facility=args.facility,
            ttl=args.ttl,
            amr=tuple(args.amr) if args.amr else None,
            kid=args.kid or info.get("kid"),
        )
    except TokenKeyError as error:
        print(f"mhs-gateway: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _demo(args: argparse.Namespace) -> int:
    run = importlib.import_module("gateway.demo.cli").run  # lazily: the demo pulls in the sandbox
    result = run(args)
    return int(result or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
