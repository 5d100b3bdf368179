"""`python -m bench [--quick]`: load runs against this gateway and its peers (see bench/README.md)."""

from __future__ import annotations

import asyncio
import sys

from .options import parse
from .run import run

if __name__ == "__main__":
    sys.exit(asyncio.run(run(parse())))
