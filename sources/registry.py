"""The registered sources. Adding a source is one package under `sources/` and one entry here."""

from __future__ import annotations

from typing import Any

from . import community, genesis, tol
from .records import RecordSource
from .spec import SourceSpec

__all__ = ["SPECS", "is_source", "rank_of", "spec_of"]

SPECS: tuple[SourceSpec[Any], ...] = (
    genesis.SPEC,
    community.SPEC,
    tol.SPEC,
)

_BY_NAME = {spec.name: spec for spec in SPECS}
if len(_BY_NAME) != len(SPECS) or len({spec.rank for spec in SPECS}) != len(SPECS):
    raise RuntimeError("every registered source needs a name and a rank of its own")


def spec_of(name: RecordSource) -> SourceSpec[Any]:
    """The spec registered under `name` (KeyError for an unknown name)."""
    return _BY_NAME[name]


def is_source(value: str) -> bool:
    """Whether `value` names a registered source."""
    return value in _BY_NAME


def rank_of(name: RecordSource) -> int:
    """Lower is more authoritative; an unknown name ranks last."""
    spec = _BY_NAME.get(name)
    return spec.rank if spec is not None else len(SPECS) + 1000
