"""The served schema as SDL text: what `mhs-gateway schema` prints and `schema.graphql` holds."""

from __future__ import annotations

from strawberry.printer import print_schema

from .build import build_schema

__all__ = ["served_sdl"]


def served_sdl() -> str:
    """The schema the gateway serves, printed (descriptions included), ending in a newline."""
    return print_schema(build_schema()).rstrip("\n") + "\n"
