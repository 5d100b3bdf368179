"""Processes the harness starts: spawn, wait for a ready line, CPU seconds and memory of each tree, stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

__all__ = ["Child", "CpuSample", "tree_cpu"]


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) so far of `pid` and every live descendant, by pid."""
    out: dict[int, float] = {}
    for proc in _tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = proc.cpu_times()
            out[proc.pid] = times.user + times.system
    return out


@dataclass
class CpuSample:
    """CPU seconds by pid at one moment, for a set of named process trees."""

    by_tree: dict[str, dict[int, float]] = field(default_factory=dict)

    @classmethod
    def take(cls, roots: Mapping[str, int]) -> CpuSample:
        return cls({name: tree_cpu(pid) for name, pid in roots.items()})

    def since(self, earlier: CpuSample) -> dict[str, float]:
        """CPU seconds each tree spent between `earlier` and this sample (processes alive at both)."""
        out = {}
        for name, now in self.by_tree.items():
            before = earlier.by_tree.get(name, {})
            out[name] = sum(now[pid] - before.get(pid, 0.0) for pid in now)
        return out


class Child:
    """A process started by the harness, stopped by its own pid (never by name)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, log: Path | None) -> None:
        self.name = name
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def spawn(
        cls,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        log: Path | None = None,
        stdout_pipe: bool = False,
    ) -> Child:
        """Start `argv`; stderr (and stdout unless piped) go to `log`."""
        sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115, ASYNC230 (opened once, at start)
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if stdout_pipe else sink,
                stderr=sink,
                start_new_session=True,  # Ctrl-C reaches the harness, which stops each child itself
            )
        finally:
            if log:
                sink.close()  # type: ignore[union-attr]
        return cls(name, process, log)

    async def ready_line(self, within: float = 60.0) -> str:
        """The first line the child prints on stdout (it says where it listens)."""
        assert self.process.stdout is not None
        try:
            async with asyncio.timeout(within):
                line = await self.process.stdout.readline()
        except TimeoutError:
            raise RuntimeError(f"{self.name} printed nothing within {within:.0f} s{self._log_hint()}") from None
        if not line:
            raise RuntimeError(f"{self.name} exited before it was ready{self._log_hint()}")
        return line.decode().strip()

    def alive(self) -> bool:
        return self.process.returncode is None

    def rss(self) -> dict[int, int]:
        """Resident memory in bytes of the process and each descendant, by pid."""
        out = {}
        for proc in _tree(self.pid):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                out[proc.pid] = proc.memory_info().rss
        return out

    def helper_pids(self) -> list[int]:
        """Descendants that serve no requests (multiprocessing's resource tracker)."""
        out = []
        for proc in _tree(self.pid)[1:]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                if "resource_tracker" in " ".join(proc.cmdline()):
                    out.append(proc.pid)
        return out

    async def stop(self, within: float = 20.0) -> None:
        """SIGTERM to the process (it stops its own workers), SIGKILL to its tree if it lingers."""
        if self.process.returncode is not None:
            return
        tree = _tree(self.pid)
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(within):
                await self.process.wait()
        except TimeoutError:
            for proc in tree:
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
            await self.process.wait()
        for proc in tree[1:]:  # workers left behind by a master that died first
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    os.kill(proc.pid, signal.SIGKILL)

    def _log_hint(self) -> str:
        if self.log and self.log.exists():
            tail = self.log.read_text(errors="replace").strip().splitlines()[-15:]
            return "; its log ends:\n  " + "\n  ".join(tail)
        return ""
