"""The registered sources. Adding a source is one package under `sources/` and its name in PACKAGES.

Each package exports `SPEC` (a `SourceSpec`); the order here does not matter (specs carry ranks).
A package that is named but missing or has no spec fails the import loudly: never half-registered.
"""

from __future__ import annotations

import importlib
from typing import Any

from .records import RecordSource
from .spec import SourceSpec

__all__ = ["PACKAGES", "SPECS", "is_source", "rank_of", "spec_of"]

PACKAGES = ("genesis", "community", "tol")


def _load(package: str) -> SourceSpec[Any]:
    spec = getattr(importlib.import_module(f"{__package__}.{package}"), "SPEC", None)
    if not isinstance(spec, SourceSpec):
        raise TypeError(f"sources.{package} exports no SPEC (a SourceSpec)")
    return spec


SPECS: tuple[SourceSpec[Any], ...] = tuple(sorted((_load(p) for p in PACKAGES), key=lambda s: s.rank))

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
