"""One export run outside a gateway process: open what the job needs, run it, close everything."""

from __future__ import annotations

import contextlib

import asyncpg

from sources.calls.observe import NullObserver

from ..config import Config
from ..errors import ConfigError
from ..sources import open_sources
from ..store import migrate_store
from .job import JobReport
from .wiring import export_job

__all__ = ["run_export"]


async def run_export(config: Config, *, full: bool = False) -> JobReport:
    """Run (or resume) the export job once; ConfigError when the mart or the vault is not configured."""
    if config.mart.directory is None:
        raise ConfigError("MHS_GATEWAY_MART_DIR", "is required to export the mart")
    if not config.database_url:
        raise ConfigError("DATABASE_URL", "is required to export the mart (the identity vault lives there)")
    await migrate_store(config.database_url)
    async with contextlib.AsyncExitStack() as stack:
        deps = await open_sources(config, stack, NullObserver())
        sources = {c.name: c.build(deps[c.name]) for c in config.sources}
        pool = await asyncpg.create_pool(config.database_url, min_size=0, max_size=2, command_timeout=30)
        stack.push_async_callback(pool.close)
        job = export_job(config, deps, sources, pool)
        if job is None:
            raise ConfigError("MHS_GATEWAY_GENESIS_EXPORT_GROUPS", "no configured source exports anything")
        return await job.run(full=full)
