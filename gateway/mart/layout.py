"""Where the mart lives on disk: snapshots that Trino or Spark can read, the job's work folder.

```
<MART_DIR>/CURRENT                                  the id of the snapshot readers use
<MART_DIR>/snapshots/<id>/manifest.json             when it was built, each source's as-of, row counts
<MART_DIR>/snapshots/<id>/<table>/source=<S>/*.parquet   Hive-partitioned Parquet, one folder per table
<MART_DIR>/work/state.json                          the export job's checkpoints (no PHI)
<MART_DIR>/work/staged/<run>/...                    de-identified rows of the run being made
```
A snapshot is never changed once CURRENT names it; the job writes the next one beside it and
then swaps CURRENT (an atomic rename), so readers always see one whole snapshot.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["ExportBusy", "MartLayout", "write_json"]

_SNAPSHOT = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}\Z")


class ExportBusy(Exception):
    """Another export job holds the mart's lock."""

    def __init__(self, root: Path) -> None:
        super().__init__(f"another export job is running on {root}")


def write_json(path: Path, data: Any) -> None:
    """Write `data` to `path` atomically (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(part, path)


class MartLayout:
    """The folders and files of one mart."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.snapshots = root / "snapshots"
        self.work = root / "work"
        self.state_file = self.work / "state.json"

    def current(self) -> str | None:
        """The id of the snapshot readers use (None: none built yet)."""
        try:
            found = (self.root / "CURRENT").read_text().strip()
        except OSError:
            return None
        return found if _SNAPSHOT.match(found) and (self.snapshots / found).is_dir() else None

    def snapshot(self, snapshot_id: str) -> Path:
        return self.snapshots / snapshot_id

    def publish(self, snapshot_id: str) -> None:
        """Make `snapshot_id` the current one (atomically)."""
        pointer = self.root / "CURRENT"
        part = pointer.with_name("CURRENT.part")
        part.write_text(snapshot_id + "\n")
        os.replace(part, pointer)

    def staged(self, run_id: str) -> Path:
        return self.work / "staged" / run_id

    def read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, state: dict[str, Any]) -> None:
        write_json(self.state_file, state)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the mart's lock (ExportBusy when another job holds it)."""
        self.work.mkdir(parents=True, exist_ok=True)
        with (self.work / "lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ExportBusy(self.root) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
