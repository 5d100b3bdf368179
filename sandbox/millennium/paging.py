"""Millennium's paging: `link[next]` carries the query plus `-pageContext` and `-pageDirection`."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from sandbox.fhir.outcome import BadRequest
from sandbox.fhir.paging import decode_page, encode_page

from .errors import Invalid

__all__ = ["CONTEXT", "DIRECTION", "page_link", "page_of"]

CONTEXT = "-pageContext"
DIRECTION = "-pageDirection"
_DIRECTIONS = ("NEXT", "PREVIOUS")


def page_of(items: Sequence[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], int]:
    """The query a page request stands for and the offset of its first match.

    A `-pageContext` names both (the parameters beside it are not read again); without it this
    is the first page of `items`.
    """
    contexts = [v for k, v in items if k == CONTEXT]
    directions = [v for k, v in items if k == DIRECTION]
    if not contexts:
        if directions:
            raise Invalid(f"{DIRECTION} needs {CONTEXT}")
        return tuple(items), 0
    if len(contexts) > 1 or len(directions) > 1 or (directions and directions[0] not in _DIRECTIONS):
        raise Invalid(f"{CONTEXT} and {DIRECTION} (NEXT or PREVIOUS) may be given once each")
    try:
        query, offset = decode_page(contexts[0])
    except BadRequest as exc:
        raise Invalid("the page context is not valid or has expired") from exc
    return tuple(query), offset


def page_link(
    relation: str, base_url: str, resource_type: str, items: Sequence[tuple[str, str]], offset: int
) -> dict[str, str]:
    """A Bundle link: the query, plus a page context for any page but the first."""
    url = f"{base_url}/{resource_type}"
    params = list(items)
    if relation != "self" or offset > 0:
        direction = "PREVIOUS" if relation == "previous" else "NEXT"
        params += [(CONTEXT, encode_page(items, offset)), (DIRECTION, direction)]
    if params:
        url += "?" + urlencode(params, safe=":|,/")
    return {"relation": relation, "url": url}
