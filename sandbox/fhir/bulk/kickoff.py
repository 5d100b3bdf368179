"""The `$export` kick-off request: headers, parameters and scopes checked into an `ExportRequest`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl

from ..auth import Grant
from ..filters import Criterion
from ..outcome import BadRequest, Forbidden
from ..params import RESULT_PARAMS
from ..query import parse_query
from .compartment import exportable_types
from .errors import InvalidFilter, NotAcceptable
from .profile import OUTPUT_FORMATS, REFERENCE_TYPES, BulkProfile

__all__ = ["ExportRequest", "parse_kickoff"]

_FHIR_JSON = "application/fhir+json"
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_BASE_PARAMS = frozenset({"_type", "_since", "_outputFormat", "_typeFilter"})
_ASSOCIATED = "includeAssociatedData"

Filters = tuple[tuple[Criterion, ...], ...]


@dataclass(frozen=True)
class ExportRequest:
    """What one export delivers: the types (in order), changes since when, per-type filters
    (a resource passes when it satisfies every criterion of any one filter), and the
    parameters a lenient request had ignored."""

    types: tuple[str, ...]
    since: datetime | None = None
    filters: Mapping[str, Filters] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()


def parse_kickoff(
    profile: BulkProfile,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    grant: Grant,
    *,
    group: bool,
) -> ExportRequest:
    """Check a kick-off (header names lower-case); raise the FHIR error a server would answer."""
    if _FHIR_JSON not in headers.get("accept", ""):
        raise NotAcceptable(f"a kick-off request takes Accept: {_FHIR_JSON}")
    prefer = {p.strip() for p in headers.get("prefer", "").split(",")}
    if "respond-async" not in prefer:
        raise BadRequest("a kick-off request takes Prefer: respond-async")
    lenient = "handling=lenient" in prefer
    values: dict[str, list[str]] = {}
    for name, value in query:
        values.setdefault(name, []).append(value)
    known = _BASE_PARAMS | ({_ASSOCIATED} if profile.associated_data else set())
    ignored = sorted(values.keys() - known)
    if ignored and not lenient:
        raise BadRequest(f"unsupported $export parameters: {', '.join(ignored)}")
    _output_format(values.get("_outputFormat", []))
    since = _since(values.get("_since", []))
    asked, dropped = _types(profile, values.get("_type", []), lenient)
    _associated(profile, values.get(_ASSOCIATED, []), asked)
    filters = _type_filters(profile, values.get("_typeFilter", []), asked)
    types = _authorized(profile, grant, asked, group=group)
    notes = tuple(f"parameter {n} is not supported and was ignored" for n in ignored)
    notes += tuple(f"_type {t} is not supported and was ignored" for t in dropped)
    return ExportRequest(types=types, since=since, filters=filters, ignored=notes)


def _single(name: str, given: list[str]) -> str | None:
    if len(given) > 1:
        raise BadRequest(f"{name} may be given only once")
    return given[0] if given else None


def _output_format(given: list[str]) -> None:
    value = _single("_outputFormat", given)
    if value is not None and value not in OUTPUT_FORMATS:
        raise BadRequest("_outputFormat must be " + ", ".join(sorted(OUTPUT_FORMATS)))


def _since(given: list[str]) -> datetime | None:
    value = _single("_since", given)
    if value is None:
        return None
    if not _INSTANT.match(value):
        hint = " (encode '+' in the offset as %2B)" if " " in value else ""
        raise BadRequest(f"_since must be a FHIR instant with seconds and a time zone{hint}")
    return datetime.fromisoformat(value)


def _types(profile: BulkProfile, given: list[str], lenient: bool) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The `_type` values asked for (None: not given) and those a lenient request dropped."""
    if not given:
        return None, ()
    names = [t.strip() for value in given for t in value.split(",")]
    if any(not n for n in names):
        raise BadRequest("_type is a comma-separated list of resource types")
    allowed = exportable_types(profile)
    unknown = tuple(dict.fromkeys(n for n in names if n not in allowed))
    if unknown and not lenient:
        raise BadRequest(f"_type values not supported for export: {', '.join(unknown)}")
    asked = tuple(dict.fromkeys(n for n in names if n in allowed))
    if profile.reference_needs_companion and asked and set(asked) <= REFERENCE_TYPES | {"Provenance"}:
        raise BadRequest("_type with Location, Organization, Practitioner or Provenance needs a clinical type too")
    return asked, unknown


def _associated(profile: BulkProfile, given: list[str], asked: tuple[str, ...] | None) -> None:
    names = [v.strip() for value in given for v in value.split(",")]
    if not names:
        return
    if any(n not in profile.associated_data for n in names):
        raise BadRequest(f"{_ASSOCIATED} takes " + ", ".join(sorted(profile.associated_data)))
    if asked is not None and "Provenance" not in asked:
        raise BadRequest(f"{_ASSOCIATED} with _type needs Provenance in _type")


def _type_filters(profile: BulkProfile, given: list[str], asked: tuple[str, ...] | None) -> dict[str, Filters]:
    queries = [q for value in given for q in value.split(",") if q.strip()]
    if not queries:
        return {}
    if asked is None:
        raise BadRequest("_typeFilter needs _type")
    out: dict[str, Filters] = {}
    for text in queries:
        rtype, _, search = text.strip().partition("?")
        if rtype not in asked:
            raise BadRequest(f"_typeFilter names {rtype}, which is not in _type")
        if rtype in out:
            raise BadRequest(f"_typeFilter has more than one query for {rtype}")
        if rtype in profile.type_filter_excluded_types:
            raise InvalidFilter(f"_typeFilter does not support {rtype}")
        out[rtype] = (_criteria(profile, rtype, search),)
    return out


def _criteria(profile: BulkProfile, rtype: str, search: str) -> tuple[Criterion, ...]:
    items = parse_qsl(search, keep_blank_values=True)
    if not items:
        raise InvalidFilter(f"_typeFilter for {rtype} has no search parameters")
    for name, _ in items:
        base = name.partition(":")[0]
        if base in profile.type_filter_excluded_params or base in RESULT_PARAMS:
            raise InvalidFilter(f"_typeFilter does not support the search parameter {base}")
    try:
        return parse_query(rtype, items).criteria
    except BadRequest as exc:
        raise InvalidFilter(f"_typeFilter for {rtype}: {exc.diagnostics}") from exc


def _authorized(profile: BulkProfile, grant: Grant, asked: tuple[str, ...] | None, *, group: bool) -> tuple[str, ...]:
    """The types to export: those asked, each needing a read scope; without `_type`, every
    exportable type the scopes allow."""
    if group and profile.group_scope:
        grant.require("Group", False)
    if asked is not None:
        for rtype in asked:
            grant.require(rtype, False)
        return asked
    allowed = tuple(sorted(t for t in exportable_types(profile) if grant.allows(t, False)))
    if not allowed:
        raise Forbidden("the token's scopes allow reading none of the exportable types")
    return allowed
