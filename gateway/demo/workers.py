"""The gateway as production runs it: `mhs-gateway serve --workers N`, a child process of the demo
configured by environment variables, ready once every worker serves."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Mapping
from typing import IO

import aiohttp

from .errors import StackStartError

__all__ = ["ServeProcess"]

_WORKERS = re.compile(r"^gateway_workers (\S+)$", re.MULTILINE)


class ServeProcess:
    """`python -m gateway.cli serve` on `host:port` with `workers` uvicorn workers."""

    def __init__(self, environment: Mapping[str, str], *, host: str, port: int, workers: int,
                 log: IO[str] | None = None, metrics_headers: Mapping[str, str] | None = None) -> None:
        self._environment = {**os.environ, **environment}
        self.host = host
        self.port = port
        self.workers = workers
        self._log = log
        self._metrics_headers = dict(metrics_headers or {})
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self, within: float = 60.0, metrics_url: str | None = None) -> None:
        """Start the process; return once `metrics_url` (default: `/metrics`) counts every worker."""
        command = [sys.executable, "-m", "gateway.cli", "serve", "--host", self.host, "--port", str(self.port),
                   "--workers", str(self.workers)]
        self._process = await asyncio.create_subprocess_exec(
            *command, env=self._environment, stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log or None, stderr=asyncio.subprocess.STDOUT if self._log else None,
        )
        try:
            async with asyncio.timeout(within):
                await self._until_serving(metrics_url or f"{self.url}/metrics")
        except TimeoutError:
            await self.stop()
            raise StackStartError(part="gateway", reason=f"workers not serving within {within:.0f} s") from None

    async def _until_serving(self, metrics_url: str) -> None:
        timeout = aiohttp.ClientTimeout(total=2)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                if self._process is None or self._process.returncode is not None:
                    raise StackStartError(part="gateway", reason="`mhs-gateway serve` exited during startup")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(metrics_url, headers=self._metrics_headers) as response:
                        found = _WORKERS.search(await response.text()) if response.status == 200 else None
                        if found and float(found.group(1)) >= self.workers:
                            return
                await asyncio.sleep(0.1)

    async def stop(self, within: float = 30.0) -> int | None:
        """SIGTERM (workers drain and run their shutdown), then SIGKILL after `within` seconds."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(within):
                return await process.wait()
        except TimeoutError:
            process.kill()
            return await process.wait()
