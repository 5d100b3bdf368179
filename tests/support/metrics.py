"""Reading a Prometheus text exposition in tests: samples by name, labels as a dict."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["Sample", "samples", "scrape"]

Sample = tuple[Mapping[str, str], float]


def samples(text: str, name: str) -> list[Sample]:
    """Every sample called `name` (e.g. `gateway_requests_total`), with its labels."""
    found: list[Sample] = []
    for family in text_string_to_metric_families(text):
        found += [(s.labels, s.value) for s in family.samples if s.name == name]
    return found


async def scrape(url: str, headers: Mapping[str, str] | None = None) -> str:
    """GET a `/metrics` URL; fails unless it answers 200."""
    async with aiohttp.ClientSession() as http, http.get(url, headers=dict(headers or {})) as response:
        assert response.status == 200, response.status
        return await response.text()
