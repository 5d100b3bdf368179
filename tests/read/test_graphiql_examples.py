"""GraphiQL's example tabs are operations from operations/, and each runs cleanly for its persona
(dates filled in as the page does)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from gateway.graphiql.examples import TABS, Example, examples
from gateway.operations import load_operations
from tests.read.conftest import Ask
from tests.support.analysts import wait_for_mart

DAY = re.compile(r"\{\{today([+-]\d+)?\}\}")


def _dated(text: str) -> str:
    """What the page's script does to example variables."""
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return DAY.sub(lambda m: (midnight + dt.timedelta(days=int(m.group(1) or 0))).isoformat(), text)


EXAMPLES = examples()


def test_the_tabs_are_the_portal_s_operations() -> None:
    files = {operation.name: operation.text for operation in load_operations()}
    assert [e.title for e in EXAMPLES] == list(TABS) and EXAMPLES[0].title == "Me"
    assert all(files[e.title] == e.query for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
async def test_the_tab_s_first_operation_runs_without_errors(ask: Ask, example: Example, demo_stack: Any) -> None:
    if example.persona == "A1":
        await wait_for_mart(demo_stack)
    variables = json.loads(_dated(example.variables)) if example.variables.strip() else {}
    operation = next(d for d in parse(example.query).definitions if isinstance(d, OperationDefinitionNode))
    wanted = {v.variable.name.value for v in operation.variable_definitions or ()}
    name = operation.name.value if operation.name else None
    status, body = await ask(example.persona, example.query, {k: v for k, v in variables.items() if k in wanted}, None,
                             name)
    assert status == 200, body
    assert "errors" not in body, body
    assert all(value is not None for value in body["data"].values())
