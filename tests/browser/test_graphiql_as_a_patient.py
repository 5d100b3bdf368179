"""A person pastes P1's token into GraphiQL's Headers tab, runs the first tab, and sees every source OK."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.browser.test_graphiql import _ensure_chromium
from tests.support.cdp import chromium_page

pytestmark = pytest.mark.browser

HEADERS_EDITOR = (
    "[...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]"
    ".map(e => e.CodeMirror).find(cm => cm.getValue().includes('Authorization'))"
)
RESULT = (
    "(() => { const el = document.querySelector('.result-window .CodeMirror'); "
    "return el ? el.CodeMirror.getValue() : ''; })()"
)


async def test_p1_runs_the_me_tab_and_sees_all_three_sources(demo_stack: Any) -> None:
    chromium = await asyncio.to_thread(_ensure_chromium)
    info = demo_stack.info()
    headers = json.dumps({"Authorization": f"Bearer {info['tokens']['P1']}"})
    async with chromium_page(chromium) as page:
        await page.goto(info["graphql_url"])
        assert await page.wait_for(f"!!document.querySelector('.graphiql-execute-button') && !!({HEADERS_EDITOR})")
        await page.js(f"({HEADERS_EDITOR}).setValue({json.dumps(headers)})")
        await asyncio.sleep(1.0)  # GraphiQL reads the editors after a short debounce
        await page.js("document.querySelector('.graphiql-execute-button').click()")
        text = await page.wait_for(f"(() => {{ const t = {RESULT}; return t.includes('sourceCoverage') ? t : ''; }})()")
    assert text, "the result pane never showed the answer"
    answer = json.loads(text)
    assert "errors" not in answer
    coverage = {c["source"]: c["state"] for c in answer["data"]["me"]["sourceCoverage"]}
    assert coverage == {"GENESIS": "OK", "COMMUNITY": "OK", "TOL_ARCHIVE": "OK"}
