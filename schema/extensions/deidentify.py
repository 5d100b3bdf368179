"""De-identify every answer to an analyst in one place, field by field, by the policy table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLResolveInfo, get_named_type, is_leaf_type
from strawberry.extensions import SchemaExtension

from resolvers.analysts import analyst_patient_id, analyst_pseudonym, analyst_shift_days
from resolvers.context import RequestContext
from resolvers.deid.ages import over_89
from resolvers.deid.dates import shift, to_year
from resolvers.deid.policy import Rule, Treatment, rule_of
from resolvers.ids import decode_id
from resolvers.principal import Role

from .sealed_cursors import seal_cursor, unseal_cursor

__all__ = ["REDACTED", "DeIdentify"]

REDACTED = "[redacted]"
_AS_IS = frozenset({Treatment.KEEP, Treatment.CODED, Treatment.PLACE, Treatment.PUBLIC, Treatment.GATEWAY,
                    Treatment.PROJECT})


class DeIdentify(SchemaExtension):
    """For analysts: each leaf field as `resolvers/deid/policy.py` says; unclassified ones removed."""

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
        key = context.services.settings.analyst_keys.cursors
        if isinstance(kwargs.get("after"), str):  # analysts page with the sealed cursors they got
            kwargs = {**kwargs, "after": unseal_cursor(key, kwargs["after"])}
        if info.parent_type.name.startswith("__") or info.field_name.startswith("__"):
            return _next(root, info, *args, **kwargs)
        if not is_leaf_type(get_named_type(info.return_type)):
            return _next(root, info, *args, **kwargs)  # objects: their own leaves are checked
        rule = rule_of(f"{info.parent_type.name}.{info.field_name}")
        if rule.treatment in _AS_IS:
            return _next(root, info, *args, **kwargs)
        if rule.treatment is Treatment.REMOVE:
            return _redacted(info)
        if rule.treatment is Treatment.DISPLAY:
            return _coded_display(root, rule)
        change = _change(context, rule, info, key)
        return _after(_next(root, info, *args, **kwargs), lambda v: None if v is None else change(v))


def _change(context: RequestContext, rule: Rule, info: GraphQLResolveInfo[Any], key: bytes) -> Callable[[Any], Any]:
    treatment = rule.treatment
    if treatment is Treatment.CURSOR:
        return lambda v: seal_cursor(key, str(v))
    if treatment is Treatment.PSEUDONYM:
        return lambda v: analyst_pseudonym(context, str(v)) or REDACTED
    if treatment is Treatment.PATIENT_ID:
        return lambda v: analyst_patient_id(context, decode_id(str(v), expect="Patient").source_id) or REDACTED
    days = analyst_shift_days(context, info.path.as_list()[0])
    if treatment is Treatment.BIRTH_DATE:
        return lambda v: None if over_89(v.year, dt.date.today().year) else _dated(v, days)
    return lambda v: _dated(v, days)


def _dated(value: Any, days: int | None) -> Any:
    """The year (Safe Harbor), or for a project that shifts dates the patient's shifted date."""
    return to_year(value) if days is None else shift(value, days)


def _coded_display(root: Any, rule: Rule) -> str:
    """The display of the record's own code (or the code itself): never the source's free text."""
    coding = getattr(root, rule.code_field or "", None)
    display = getattr(coding, "display", None) or getattr(coding, "code", None)
    return str(display) if display else REDACTED


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


def _after(value: Any, change: Callable[[Any], Any]) -> Any:
    if isinstance(value, Awaitable):

        async def waited() -> Any:
            return change(await value)

        return waited()
    return change(value)
