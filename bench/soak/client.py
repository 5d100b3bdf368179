"""One simulated user's HTTP side: the portal's operations by name, each answer noted in the ledger,
writes retried with their idempotency key after a timeout, a 5xx or a transient refusal."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from .ledger import Ledger

__all__ = ["Client", "Outcome", "operation"]

OPERATIONS = Path(__file__).resolve().parents[2] / "operations"
TRANSIENT = frozenset({"SOURCE_UNAVAILABLE", "SOURCE_TIMEOUT", "IDEMPOTENCY_IN_PROGRESS"})
_MAX_ATTEMPTS = 12


def operation(name: str) -> str:
    """The document of one operation in `operations/`."""
    return (OPERATIONS / f"{name}.graphql").read_text()


class Outcome:
    """A write's end: its payload (None when it never got one), and the userErrors' codes."""

    def __init__(self, payload: Mapping[str, Any] | None) -> None:
        self.payload = payload or {}
        self.codes = [e["code"] for e in self.payload.get("userErrors") or ()]

    @property
    def done(self) -> bool:
        return bool(self.payload) and not self.codes


class Client:
    """Sends as one signed-in user; `deadline` is the gateway's request deadline."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str, ledger: Ledger,
                 deadline: float, rng: random.Random) -> None:
        self._session = session
        self._url = url
        self._token = token
        self._ledger = ledger
        self._timeout = deadline + 5.0  # an answer later than this is a hang
        self.rng = rng

    async def ask(self, name: str, variables: Mapping[str, Any] | None = None) -> Any | None:
        """The data of one operation, or None when it was not answered with data."""
        return await self.ask_document(operation(name), variables)

    async def ask_document(self, document: str, variables: Mapping[str, Any] | None = None) -> Any | None:
        status, body = await self._post(document, variables)
        return body.get("data") if status == 200 and isinstance(body, dict) else None

    async def write(self, name: str, variables: Mapping[str, Any], key: str) -> Outcome:
        """A mutation, retried with the same key until it is answered for good (or given up)."""
        document = operation(name)
        for attempt in range(_MAX_ATTEMPTS):
            status, body = await self._post(document, {**variables, "key": key})
            data = body.get("data") if isinstance(body, dict) else None
            payload = next(iter(data.values())) if isinstance(data, dict) and data else None
            outcome = Outcome(payload if isinstance(payload, dict) else None)
            transient = status != 200 or payload is None or any(c in TRANSIENT for c in outcome.codes)
            if not transient:
                for code in outcome.codes:
                    self._ledger.refused[code] += 1
                return outcome
            self._ledger.retried[str(status) if status != 200 else ",".join(outcome.codes) or "no data"] += 1
            await asyncio.sleep(min(0.2 * 2 ** attempt, 3.0) * (0.5 + self.rng.random()))
        return Outcome(None)

    async def _post(self, document: str, variables: Mapping[str, Any] | None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json",
                   "Accept": "application/graphql-response+json, application/json"}
        payload = json.dumps({"query": document, "variables": dict(variables or {})})
        try:
            async with asyncio.timeout(self._timeout), self._session.post(self._url, data=payload,
                                                                           headers=headers) as response:
                text = await response.text()
                status = response.status
                request_id = response.headers.get("X-Request-ID", "")
        except TimeoutError:
            self._ledger.hangs += 1
            self._ledger.statuses["timeout"] += 1
            return 0, None
        except aiohttp.ClientError:
            self._ledger.statuses["connection lost"] += 1  # a worker was killed under it
            return 0, None
        body = _json(text)
        code = _first_code(body)
        self._ledger.statuses[f"{status} {code}" if status >= 500 and code else str(status)] += 1
        if status == 200 and isinstance(body, dict) and _carries_data(body) and request_id:
            self._ledger.data_answers[request_id] = _name(document)
        elif status == 200:
            self._ledger.statuses[f"200 {code}, no data"] += 1
        return status, body


def _name(document: str) -> str:
    found = re.search(r"\b(?:query|mutation)\s+(\w+)", document)
    return found.group(1) if found else " ".join(document.split())[:40]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _first_code(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    return (errors[0].get("extensions") or {}).get("code") if errors else None


# Root fields that hold nobody's health data (a clinic's open slots, the library, what is offered).
_NOT_HEALTH_DATA = frozenset({"availableSlots", "healthTopics", "capabilities", "__typename"})


def _carries_data(body: Mapping[str, Any]) -> bool:
    data = body.get("data")
    return isinstance(data, dict) and any(v is not None for k, v in data.items() if k not in _NOT_HEALTH_DATA)
