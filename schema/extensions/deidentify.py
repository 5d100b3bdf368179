"""De-identify every answer to an analyst in one place: a field not marked safe is redacted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLResolveInfo, get_named_type, is_leaf_type
from strawberry.extensions import SchemaExtension

from resolvers.analysts import analyst_patient_id, analyst_pseudonym
from resolvers.context import RequestContext
from resolvers.ids import decode_id
from resolvers.principal import Role

from ..deid_policy import PSEUDONYMIZED, SAFE_FOR_ANALYSTS, SEALED, YEAR_ONLY
from .sealed_cursors import seal_cursor, unseal_cursor

__all__ = ["REDACTED", "DeIdentify"]

REDACTED = "[redacted]"


class DeIdentify(SchemaExtension):
    """For analysts: leaf fields outside the safe list come back redacted, ids pseudonymized."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        context = info.context
        if not isinstance(context, RequestContext) or context.principal.role is not Role.ANALYST:
            return _next(root, info, *args, **kwargs)
        name = f"{info.parent_type.name}.{info.field_name}"
        key = context.services.settings.analyst_keys.cursors
        if isinstance(kwargs.get("after"), str):  # analysts page with the sealed cursors they got
            kwargs = {**kwargs, "after": unseal_cursor(key, kwargs["after"])}
        if name in SAFE_FOR_ANALYSTS or info.parent_type.name.startswith("__") or info.field_name.startswith("__"):
            return _next(root, info, *args, **kwargs)
        if not is_leaf_type(get_named_type(info.return_type)):
            return _next(root, info, *args, **kwargs)  # objects: their own leaves are checked
        if name in SEALED:
            return _after(_next(root, info, *args, **kwargs), lambda v: None if v is None else seal_cursor(key, str(v)))
        if name in PSEUDONYMIZED:
            return _after(_next(root, info, *args, **kwargs), lambda v: _pseudonymized(context, name, v))
        if name in YEAR_ONLY:
            return _after(_next(root, info, *args, **kwargs), _year_only)
        return _redacted(info)


def _pseudonymized(context: RequestContext, name: str, value: Any) -> str:
    """The project's stand-in for a patient's DoD ID or id: only for patients opened by sealed id."""
    if not isinstance(value, str):
        return REDACTED
    if name == "Patient.id":
        found = analyst_patient_id(context, decode_id(value, expect="Patient").source_id)
    else:
        found = analyst_pseudonym(context, value)
    return found or REDACTED


def _redacted(info: GraphQLResolveInfo[Any]) -> Any:
    if not isinstance(info.return_type, GraphQLNonNull):
        return None
    if isinstance(info.return_type.of_type, GraphQLList):
        return []
    named = get_named_type(info.return_type).name
    if named in ("String", "ID"):
        return REDACTED
    if named == "Float":
        return 0.0
    if named == "Boolean":
        return False
    return None  # a non-null leaf of another kind: surfaces as an error rather than leak


def _year_only(value: Any) -> Any:
    return dt.date(value.year, 1, 1) if isinstance(value, dt.date) else None


def _after(value: Any, change: Callable[[Any], Any]) -> Any:
    if isinstance(value, Awaitable):

        async def waited() -> Any:
            return change(await value)

        return waited()
    return change(value)
