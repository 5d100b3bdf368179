"""`mhs-gateway schema` (the served SDL; `--write` the committed file, `--check` it) and
`mhs-gateway manifest` (the trusted-documents manifest of the operations in `operations/`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["add_manifest_arguments", "add_schema_arguments", "manifest_of", "run_manifest", "run_schema"]


def add_schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="write it to schema.graphql at the checkout's top")
    parser.add_argument("--check", action="store_true",
                        help="fail unless schema.graphql is current and changed without breaking clients")


def run_schema(args: argparse.Namespace) -> int:
    from schema.sdl import served_sdl

    from .schema_check import SCHEMA_FILE, check_schema_file, repository_root

    if args.check:
        problems = check_schema_file()
        for problem in problems:
            print(f"mhs-gateway schema: {problem}", file=sys.stderr)
        return 1 if problems else 0
    if args.write:
        (repository_root() / SCHEMA_FILE).write_text(served_sdl(), encoding="utf-8")
        return 0
    sys.stdout.write(served_sdl())
    return 0


def add_manifest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operations", type=Path, help="a directory of .graphql operations (default: operations/)")
    parser.add_argument("--output", type=Path, help="write the manifest here instead of printing it")


def manifest_of(directory: Path | None = None) -> dict[str, str]:
    """`{sha256: document}` for every operation file: MHS_GATEWAY_TRUSTED_DOCUMENTS reads it."""
    from .operations import load_operations

    return {operation.sha256: operation.text for operation in load_operations(directory)}


def run_manifest(args: argparse.Namespace) -> int:
    try:
        manifest = manifest_of(args.operations)
    except (OSError, ValueError) as error:
        print(f"mhs-gateway manifest: {error}", file=sys.stderr)
        return 2
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
