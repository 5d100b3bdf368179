"""The typed `info` every resolver receives."""

from __future__ import annotations

from strawberry.types import Info as _Info

from resolvers.context import RequestContext

__all__ = ["Info", "path_of", "wants"]

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
