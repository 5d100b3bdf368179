"""One FHIR sandbox (GENESIS or community) in a process of its own, so its CPU is counted apart.

`python -m bench.sandbox_process NAME --patients N --seed S --today YYYY-MM-DD --clients FILE`
prints one JSON line with its URLs once it listens, then serves until SIGTERM or SIGINT.
`FILE` maps client ids to public JWKs (the gateway's and, on GENESIS, the peer's).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import signal
from pathlib import Path

from gateway.demo.upstreams import GENESIS_SPEAKS_MILLENNIUM
from sandbox.data import generate
from sandbox.fhir import BULK_IG, MILLENNIUM, FhirServer
from sandbox.millennium import MillenniumProfile, millennium_resources
from sandbox.portal import PortalService, portal_resources

# As gateway/demo/stack.py and gateway/demo/upstreams.py start them.
_ROLES = {
    "genesis": {"match_enabled": False, "writable": True, "bulk": MILLENNIUM},
    "community": {"match_enabled": True, "writable": False, "bulk": BULK_IG},
}


async def serve(name: str, patients: int, seed: int, today: dt.date, clients: dict[str, dict],
                millennium: bool) -> None:
    data = generate(seed=seed, extra_patients=patients, today=today)
    resources = data.genesis if name == "genesis" else data.community
    role = dict(_ROLES[name])
    # GENESIS also serves its patient portal (messages, renewals, questionnaires), as in the demo
    parts = (PortalService(portal_resources(resources, millennium=millennium)),) if name == "genesis" else ()
    if millennium:  # the GENESIS sandbox answering exactly as Oracle Health Millennium documents
        resources = millennium_resources(resources)
        role["match_enabled"] = False
    server = FhirServer(name=name, resources=resources, clients=clients,
                        profile=MillenniumProfile() if millennium else None, parts=parts, **role)
    await server.start("127.0.0.1", 0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    urls = {"base_url": server.base_url, "token_url": server.token_url, "admin_url": server.admin_url}
    print(json.dumps(urls), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox_process", description=__doc__)
    parser.add_argument("name", choices=sorted(_ROLES))
    parser.add_argument("--patients", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--today", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--clients", type=Path, required=True)
    args = parser.parse_args()
    clients = json.loads(args.clients.read_text())
    millennium = args.name == "genesis" and GENESIS_SPEAKS_MILLENNIUM  # as the demo
    asyncio.run(serve(args.name, args.patients, args.seed, args.today, clients, millennium))


if __name__ == "__main__":
    main()
