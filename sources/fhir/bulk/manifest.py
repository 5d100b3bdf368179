"""What the client knows of one export: the completion manifest, its files, where the job stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ExportState", "Manifest", "OutputFile", "Pending", "instant"]


@dataclass(frozen=True)
class OutputFile:
    """One file of the manifest: the resource type of every line, its URL, its line count if given."""

    type: str
    url: str
    count: int | None = None


@dataclass(frozen=True)
class Manifest:
    """The completion manifest: as of when, the request, and the output and error files."""

    transaction_time: dt.datetime
    request: str
    requires_access_token: bool
    output: tuple[OutputFile, ...]
    error: tuple[OutputFile, ...] = ()

    @property
    def files(self) -> tuple[OutputFile, ...]:
        return self.output + self.error

    def to_json(self) -> dict[str, Any]:
        """The manifest in the IG's JSON shape."""

        def item(f: OutputFile) -> dict[str, Any]:
            return {"type": f.type, "url": f.url, **({"count": f.count} if f.count is not None else {})}

        return {
            "transactionTime": instant(self.transaction_time),
            "request": self.request,
            "requiresAccessToken": self.requires_access_token,
            "output": [item(f) for f in self.output],
            "error": [item(f) for f in self.error],
        }

    @classmethod
    def from_json(cls, body: Any) -> Manifest:
        """Parse a manifest; ValueError when a required element is missing or mistyped."""
        if not isinstance(body, Mapping):
            raise ValueError("the manifest is not a JSON object")
        when = body.get("transactionTime")
        request = body.get("request")
        requires = body.get("requiresAccessToken")
        if not isinstance(when, str) or not isinstance(request, str) or not isinstance(requires, bool):
            raise ValueError("the manifest needs transactionTime, request and requiresAccessToken")
        moment = dt.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError("transactionTime has no time zone")
        return cls(moment, request, requires, _files(body.get("output")), _files(body.get("error", [])))


def _files(items: Any) -> tuple[OutputFile, ...]:
    if not isinstance(items, list):
        raise ValueError("output and error must be arrays")
    out = []
    for item in items:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("type"), str)
            or not isinstance(item.get("url"), str)
        ):
            raise ValueError("every file needs a type and a url")
        count = item.get("count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            raise ValueError("a file's count must be a whole number")
        out.append(OutputFile(item["type"], item["url"], count))
    return tuple(out)


@dataclass(frozen=True)
class ExportState:
    """Where one export stands: its status URL, the manifest once complete, the files saved."""

    status_url: str
    manifest: Manifest | None = None
    downloaded: tuple[str, ...] = ()

    @property
    def pending(self) -> tuple[OutputFile, ...]:
        """The manifest's files not yet saved (empty before the manifest is known)."""
        done = set(self.downloaded)
        return tuple(f for f in (self.manifest.files if self.manifest else ()) if f.url not in done)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form (no token, no resource content)."""
        return {
            "statusUrl": self.status_url,
            "manifest": self.manifest.to_json() if self.manifest else None,
            "downloaded": list(self.downloaded),
        }

    @classmethod
    def from_json(cls, data: Any) -> ExportState:
        """The state `to_json` wrote; ValueError when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("statusUrl"), str):
            raise ValueError("an export state needs statusUrl")
        downloaded = data.get("downloaded", [])
        if not isinstance(downloaded, list) or not all(isinstance(u, str) for u in downloaded):
            raise ValueError("downloaded must be a list of URLs")
        raw = data.get("manifest")
        manifest = Manifest.from_json(raw) if raw is not None else None
        return cls(data["statusUrl"], manifest, tuple(downloaded))


@dataclass(frozen=True)
class Pending:
    """The export is still running: the server's `Retry-After` (seconds) and `X-Progress`."""

    retry_after: float | None = None
    progress: str | None = None


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
