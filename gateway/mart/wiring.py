"""The export job built from the gateway's config: the sources that export, the vault, the key."""

from __future__ import annotations

from collections.abc import Mapping

from resolvers.deid import AnalystKeys
from sources.base import Source
from sources.records import RecordSource
from sources.spec import Deps, Pool

from ..config import Config
from ..store import PersonStore
from .job import ExportJob
from .layout import MartLayout
from .linking import Linker

__all__ = ["export_job"]


def export_job(
    config: Config, deps: Mapping[RecordSource, Deps], sources: Mapping[RecordSource, Source], vault_pool: Pool
) -> ExportJob | None:
    """The job over every configured source with an export (None: no mart folder, or nothing exports)."""
    if config.mart.directory is None:
        return None
    exports = {c.name: e for c in config.sources if (e := c.export(deps[c.name])) is not None}
    if not exports:
        return None
    linker = Linker(PersonStore(vault_pool), sources)
    return ExportJob(MartLayout(config.mart.directory), exports, linker, AnalystKeys(config.pseudonym_key).mart)
