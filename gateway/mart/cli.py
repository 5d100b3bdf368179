"""`mhs-gateway mart export` (one run, resumable; `--every` for a schedule) and `mhs-gateway mart ddl`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from ..config import Config
from ..errors import ConfigError
from .ddl import ENGINES, ddl
from .layout import ExportBusy, MartLayout

__all__ = ["add_arguments"]


def add_arguments(mart: argparse.ArgumentParser) -> None:
    """The `mart` subcommand and its two commands."""
    commands = mart.add_subparsers(dest="mart_command", required=True)
    export = commands.add_parser("export", help="export every configured source into the mart (resumes a killed run)")
    export.add_argument("--full", action="store_true", help="re-read everything (no _since increments)")
    export.add_argument("--every", type=float, default=0.0, help="run again every SECONDS (a schedule)")
    export.set_defaults(handler=_export)
    tables = commands.add_parser("ddl", help="print CREATE TABLE statements over the current snapshot")
    tables.add_argument("--engine", choices=ENGINES, required=True)
    tables.add_argument("--location", help="where the engine sees MHS_GATEWAY_MART_DIR (e.g. s3://bucket/mart)")
    tables.set_defaults(handler=_ddl)


def _config() -> Config | None:
    try:
        return Config.from_env(os.environ)
    except ConfigError as error:
        print(f"mhs-gateway mart: configuration error: {error}", file=sys.stderr)
        return None


def _export(args: argparse.Namespace) -> int:
    config = _config()
    if config is None:
        return 2
    from ..logging import configure_logging
    from .runner import run_export

    configure_logging(config.log_level)

    async def loop() -> int:
        full = bool(args.full)
        while True:
            try:
                report = await run_export(config, full=full)
                print(f"mart snapshot {report.snapshot_id}: {report.batches} batches, "
                      f"{sum(report.rows.values())} rows staged, {report.seconds:.1f} s", flush=True)
            except ExportBusy as busy:
                print(f"mhs-gateway mart: {busy}", file=sys.stderr)
                if not args.every:
                    return 1
            if not args.every:
                return 0
            full = False
            await asyncio.sleep(args.every)

    try:
        return asyncio.run(loop())
    except ConfigError as error:
        print(f"mhs-gateway mart: configuration error: {error}", file=sys.stderr)
        return 2


def _ddl(args: argparse.Namespace) -> int:
    config = _config()
    if config is None:
        return 2
    if config.mart.directory is None:
        print("mhs-gateway mart: MHS_GATEWAY_MART_DIR is not set", file=sys.stderr)
        return 2
    layout = MartLayout(config.mart.directory)
    current = layout.current()
    if current is None:
        print("mhs-gateway mart: no snapshot built yet; run `mhs-gateway mart export`", file=sys.stderr)
        return 1
    base = (args.location or str(config.mart.directory.resolve())).rstrip("/")
    print(ddl(args.engine, f"{base}/snapshots/{current}"), end="")
    return 0
