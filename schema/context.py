"""The typed `info` every resolver receives."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info as _Info
from strawberry.types.nodes import FragmentSpread, InlineFragment

from resolvers.context import RequestContext

__all__ = ["Info", "path_of", "selects", "wants"]

Info = _Info[RequestContext, None]


def path_of(info: Info) -> tuple[str | int, ...]:
    """The response path of the field being resolved."""
    return tuple(info.path.as_list())


def wants(info: Info, field_name: str) -> bool:
    """Whether the client selected `field_name` directly under this field."""
    for selected in info.selected_fields:
        for sub in getattr(selected, "selections", []):
            if getattr(sub, "name", None) == field_name:
                return True
    return False


def selects(info: Info, *path: str) -> bool:
    """Whether the client selected the field at `path` below this one (through fragments), e.g.
    `selects(info, "edges", "node", "renewal")`."""
    level: list[Any] = list(info.selected_fields)
    for name in path:
        level = [sub for sel in level for sub in _fields(getattr(sel, "selections", []))]
        level = [sel for sel in level if getattr(sel, "name", None) == name]
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
