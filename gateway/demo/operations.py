"""The demo trusts the portal's operations (`operations/`): they run by hash (the mobile app's way)
and carry their names into metrics; other documents still run (analysts' ad-hoc queries)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from gateway.files_cli import manifest_of
from gateway.operations import default_operations_dir

__all__ = ["trusted_operations"]


@contextlib.asynccontextmanager
async def trusted_operations(directory: Path | None = None) -> AsyncIterator[dict[str, str]]:
    """`MHS_GATEWAY_TRUSTED_DOCUMENTS` naming a manifest of the operations, while the block runs
    (nothing when there is no operations directory)."""
    folder = directory or default_operations_dir()
    if not folder.is_dir():
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="mhs-demo-") as scratch:
        path = Path(scratch) / "trusted-documents.json"
        path.write_text(json.dumps(manifest_of(folder)), encoding="utf-8")
        yield {"MHS_GATEWAY_TRUSTED_DOCUMENTS": str(path)}
