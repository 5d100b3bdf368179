"""Metric labels stay bounded: an operation is named only when the gateway knows its document
(trusted, or run by its persisted hash), and only so many names; everything else is `other`."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import aiohttp

from gateway.metrics import OperationLabels
from tests.support.gql import gql
from tests.support.metrics import samples, scrape


def _by_operation(text: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for labels, value in samples(text, "gateway_requests_total"):
        totals[labels["operation"]] = totals.get(labels["operation"], 0.0) + value
    return totals



def _letters() -> str:
    """A fresh operation-name suffix of letters only: six digits in a row would make the name
    identifier-shaped, and the persisted-query store refuses such names (gateway/persisted/storable.py)."""
    return uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


async def test_only_persisted_documents_name_their_operation(demo_stack: Any) -> None:
    token, metrics = demo_stack.info()["tokens"]["P1"], f"{demo_stack.base_url}/metrics"
    adhoc, persisted = f"Adhoc{_letters()}", f"Saved{_letters()}"
    await gql(demo_stack, f"query {adhoc} {{ me {{ dodId }} }}", token=token)
    text = f"query {persisted} {{ me {{ dodId }} }}"
    ext = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(text.encode()).hexdigest()}}
    status, _ = await gql(demo_stack, text, token=token, extensions=ext)  # registers it
    assert status == 200
    async with aiohttp.ClientSession() as http, http.post(
        demo_stack.graphql_url, json={"extensions": ext}, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        assert response.status == 200
    counted = _by_operation(await scrape(metrics))
    assert adhoc not in counted and counted[persisted] == 1 and counted["other"] >= 2


def test_names_are_capped_per_process() -> None:
    labels = OperationLabels(limit=2)
    assert [labels.label(n, known=True) for n in ("A", "B", "C", "A")] == ["A", "B", "other", "A"]
    assert labels.label("A", known=False) == "other" and labels.label(None, known=True) == "other"
    assert labels.label("not a name!", known=True) == "other"
