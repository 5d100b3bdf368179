"""`mhs-gateway demo`: run the whole demo stack until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from .errors import DemoError
from .info import write_json_atomically
from .options import DEFAULT_SEED, StackOptions
from .stack import DemoStack
from .state import remove_issuer_state, write_issuer_state

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `demo` subcommand's options."""
    parser.add_argument("--port", type=int, default=8000, help="gateway port (0: any free one)")
    parser.add_argument("--host", default="127.0.0.1", help="gateway address")
    parser.add_argument("--info-file", type=Path, help="write URLs, DSNs and persona tokens here (JSON)")
    parser.add_argument("--patients", type=int, default=0, help="extra synthetic patients for load runs")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="synthetic data seed")
    parser.add_argument("--workers", type=int, default=1,
                        help="serve the gateway as N uvicorn worker processes, as production does")


def operator_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What the person running the demo set for the gateway: `REDIS_URL` (counters and persisted
    queries shared by the workers) and any `MHS_GATEWAY_*` (rate limits, tracing, ...)."""
    return {k: v for k, v in environ.items() if k == "REDIS_URL" or k.startswith("MHS_GATEWAY_")}


def run(args: argparse.Namespace) -> int:
    """Run the demo until a stop signal; 0 on a clean stop, 1 if it could not start."""
    try:
        seed = DEFAULT_SEED if args.seed is None else args.seed
        options = StackOptions(
            host=args.host,
            port=args.port,
            seed=seed,
            extra_patients=args.patients,
            pseudonym_key=os.environ.get("MHS_GATEWAY_PSEUDONYM_KEY") or None,
            gateway_workers=args.workers,
            gateway_env=operator_environment(os.environ),
        )
    except ValueError as exc:
        print(f"mhs-gateway demo: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_serve(options, args.info_file))


async def _serve(options: StackOptions, info_file: Path | None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    _remove(info_file)  # a stale file would point at servers long gone
    stack = DemoStack(options)
    print("Starting the MHS records gateway demo ...", flush=True)
    starting = asyncio.create_task(stack.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        starting.cancel()  # start() undoes whatever had started
    try:
        await starting
    except asyncio.CancelledError:
        print("Stopped before the demo was ready.", flush=True)
        return 0
    except (DemoError, OSError) as exc:
        print(f"mhs-gateway demo: could not start: {exc}", file=sys.stderr)
        return 1
    try:
        write_issuer_state(stack.issuer)
        if info_file is not None:
            write_json_atomically(info_file, stack.info())
        _announce(stack, sys.stdout)
        await stopping
        print("Stopping ...", flush=True)
    finally:
        remove_issuer_state()
        _remove(info_file)
        await stack.stop()
    print("Demo stopped.", flush=True)
    return 0


def _remove(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def _announce(stack: DemoStack, out: TextIO) -> None:
    """Where to point a browser, and a token for each persona to paste into GraphiQL."""
    served = "in this process" if stack.workers == 1 else f"by {stack.workers} worker processes"
    shared = "shared through Redis" if stack.config.redis_url else "in each process's memory"
    lines = [
        "",
        f"GraphiQL:  {stack.graphql_url}",
        f"GraphQL:   POST {stack.graphql_url}",
        f"Gateway:   served {served}; rate limits and persisted queries {shared}",
        "",
        "Paste a persona's header into GraphiQL's \"Headers\" tab:",
    ]
    for key, persona in stack.personas.items():
        lines += [
            "",
            f"{key}  {persona.description}",
            f'    {{"Authorization": "Bearer {persona.token}"}}',
        ]
    if stack.mart_dir is not None:
        lines += ["", f"Analytics mart: building in the background in {stack.mart_dir} (cohort answers "
                  "MART_NOT_READY until it is done), then refreshed every few minutes."]
    lines += ["", "Mint more with `mhs-gateway token --role ... --subject ...` (analysts: `--project ...`).",
              "Ctrl-C stops."]
    print("\n".join(lines), file=out, flush=True)
