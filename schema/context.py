"""The typed `info` every resolver receives."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info as _Info
from strawberry.types.nodes import FragmentSpread, InlineFragment

from resolvers.context import RequestContext

__all__ = ["Info", "path_of", "selects"]

Info = _Info[RequestContext, None]


def path_of(info: Info) -> tuple[str | int, ...]:
    """The response path of the field being resolved."""
    return tuple(info.path.as_list())


def selects(info: Info, *path: str | tuple[str, ...]) -> bool:
    """Whether the client selected the field at `path` below this one, through fragments; a step
    may name alternatives: `selects(info, "totalCount")`, `selects(info, "edges", "node",
    ("renewal", "pendingRenewal"))`."""
    level: list[Any] = list(info.selected_fields)
    for step in path:
        names = (step,) if isinstance(step, str) else step
        level = [sub for sel in level for sub in _fields(getattr(sel, "selections", []))]
        level = [sel for sel in level if getattr(sel, "name", None) in names]
        if not level:
            return False
    return True


def _fields(selections: list[Any]) -> list[Any]:
    """Fields of a selection set, with those of its fragments (spread or inline) in place."""
    out: list[Any] = []
    for sel in selections:
        if isinstance(sel, (FragmentSpread, InlineFragment)):
            out.extend(_fields(sel.selections))
        else:
            out.append(sel)
    return out
