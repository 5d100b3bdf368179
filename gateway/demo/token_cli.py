"""`mhs-gateway token`: mint a sign-in token with a running demo's issuer key (never production)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .paths import ISSUER_INFO_FILE, ISSUER_KEY_FILE
from .tokens import TokenKeyError, mint_token

__all__ = ["add_arguments", "run"]

_ROLES = ("patient", "clinician", "analyst")


def add_arguments(token: argparse.ArgumentParser) -> None:
    """The `token` subcommand's options."""
    token.add_argument("--role", required=True, choices=_ROLES)
    token.add_argument("--subject", required=True, help="DoD ID (patients) or practitioner id")
    token.add_argument("--facility", help="the clinician's facility id")
    token.add_argument("--project", help="the analyst's project (the mhs_project claim)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.add_argument("--key-file", type=Path, default=ISSUER_KEY_FILE,
                       help=f"PEM private key (default: the running demo's, {ISSUER_KEY_FILE})")
    token.add_argument("--issuer", help="the iss claim (default: the running demo's issuer)")
    token.add_argument("--audience", help="the aud claim (default: the demo's audience)")
    token.add_argument("--kid", help="the key id (default: the demo's, else the key thumbprint)")
    token.add_argument("--amr", action="append", help="authentication method (repeatable)")


def _demo_info() -> dict[str, str]:
    try:
        info = json.loads(ISSUER_INFO_FILE.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in info.items() if isinstance(v, str)} if isinstance(info, dict) else {}


def run(args: argparse.Namespace) -> int:
    """Print a token signed with the demo's key (or `--key-file`); 2 when it cannot."""
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
    if args.role == "analyst" and not args.project:
        print("mhs-gateway: analyst tokens need --project", file=sys.stderr)
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
            project=args.project,
        )
    except TokenKeyError as error:
        print(f"mhs-gateway: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0
