"""`python -m bench.soak [--seconds 600] [--patients 24]`: run the soak and print its table; the exit
status is 1 when a write was lost or duplicated, a slot double-booked, an answer unaudited, a 5xx
other than the fail-closed 503 seen, or a request hung."""

from __future__ import annotations

import argparse
import asyncio
import sys

from .run import SoakResult, soak

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=600.0, help="how long the users and faults run")
    parser.add_argument("--patients", type=int, default=24, help="extra synthetic patients signed in at once")
    parser.add_argument("--hold", type=float, default=8.0, help="seconds each fault lasts")
    parser.add_argument("--quiet", type=float, default=4.0, help="seconds between faults")
    args = parser.parse_args(argv)
    result: SoakResult = asyncio.run(soak(args.seconds, args.patients, hold=args.hold, quiet=args.quiet))
    print(result.table())
    return 0 if result.clean else 1


if __name__ == "__main__":
    sys.exit(main())
