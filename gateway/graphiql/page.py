"""The GraphiQL HTML page: local assets only, examples embedded as inert JSON."""

from __future__ import annotations

import html
import json

from .examples import Example, examples

__all__ = ["STATIC_PREFIX", "render_page"]

STATIC_PREFIX = "/graphiql/static"


def _examples_json(examples: tuple[Example, ...]) -> str:
    data = [{"title": e.title, "query": e.query, "variables": e.variables} for e in examples]
    # `<` escaped so no example text can close the script element
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")


def render_page(endpoint: str = "/graphql", tabs: tuple[Example, ...] | None = None) -> str:
    """The whole page (tabs: the operations' by default); every URL in it is on this origin."""
    tabs = examples() if tabs is None else tabs
    static = STATIC_PREFIX
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>MHS records gateway · GraphiQL</title>
  <link rel="stylesheet" href="{static}/graphiql.min.css">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body data-endpoint="{html.escape(endpoint)}">
  <div id="graphiql">Loading GraphiQL…</div>
  <script type="application/json" id="examples">{_examples_json(tabs)}</script>
  <script src="{static}/react.production.min.js"></script>
  <script src="{static}/react-dom.production.min.js"></script>
  <script src="{static}/graphiql.min.js"></script>
  <script src="{static}/mount.js"></script>
</body>
</html>
"""
