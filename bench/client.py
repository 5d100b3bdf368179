"""Talking to the running demo: GraphQL, the gateway's /metrics, the sandboxes' admin surface."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["Demo"]

def upstream_counts(metrics_text: str) -> Counter[tuple[str, str]]:
    """gateway_upstream_requests_total by (source, kind), summed over status (token and check calls
    left out); labels in whatever order the exposition writes them."""
    counts: Counter[tuple[str, str]] = Counter()
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == "gateway_upstream_requests_total" and sample.labels["kind"] not in ("auth", "check"):
                counts[(sample.labels["source"], sample.labels["kind"])] += int(sample.value)
    return counts


def link_cache_counts(metrics_text: str) -> Counter[str]:
    """gateway_link_cache_lookups_total by result (hit, miss)."""
    counts: Counter[str] = Counter()
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == "gateway_link_cache_lookups_total":
                counts[sample.labels["result"]] += int(sample.value)
    return counts


class Demo:
    """A session against one running DemoStack (its `info()` dictionary)."""

    def __init__(self, info: Mapping[str, Any], session: aiohttp.ClientSession) -> None:
        self.info = info
        self.session = session
        self.metrics_url = str(info["graphql_url"]).rsplit("/graphql", 1)[0] + "/metrics"

    async def query(
        self,
        persona: str,
        document: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one document as `persona` (with extra `headers`); raise if the answer carries errors."""
        headers = {**(headers or {}), "Authorization": f"Bearer {self.info['tokens'][persona]}"}
        payload = {"query": document, "variables": dict(variables or {})}
        async with self.session.post(self.info["graphql_url"], json=payload, headers=headers) as resp:
            body = await resp.json(content_type=None)
        if resp.status != 200 or body.get("errors"):
            raise RuntimeError(f"{persona}: HTTP {resp.status}: {body.get('errors')}")
        return body["data"]

    async def timed(self, persona: str, document: str, variables: Mapping[str, Any] | None = None) -> float:
        """Milliseconds one request took, end to end."""
        began = time.perf_counter()
        await self.query(persona, document, variables)
        return (time.perf_counter() - began) * 1000

    async def upstream(self) -> Counter[tuple[str, str]]:
        """gateway_upstream_requests_total by (source, kind), summed over status."""
        async with self.session.get(self.metrics_url) as resp:
            return upstream_counts(await resp.text())

    async def sandbox_requests(self) -> dict[str, int]:
        """FHIR requests each sandbox counted since its last reset."""
        out = {}
        for name, url in self.info["admin"].items():
            async with self.session.get(f"{url}/stats") as resp:
                out[name] = int((await resp.json())["requests"])
        return out

    async def reset_sandbox_stats(self) -> None:
        for url in self.info["admin"].values():
            async with self.session.post(f"{url}/stats/reset") as resp:
                resp.raise_for_status()

    async def latency(self, ms: int) -> None:
        """Inject `ms` of latency into every FHIR request of both sandboxes (0 clears it)."""
        for url in self.info["admin"].values():
            if ms:
                async with self.session.put(f"{url}/faults", json={"latency_ms": ms}) as resp:
                    resp.raise_for_status()
            else:
                async with self.session.delete(f"{url}/faults") as resp:
                    resp.raise_for_status()
