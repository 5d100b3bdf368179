"""Per-request bookkeeping of how each source did, for `sourceCoverage` and the `errors` list."""

from __future__ import annotations

from dataclasses import dataclass, field

from sources.errors import SourceError, SourceTimeout
from sources.records import RecordSource

__all__ = ["ServiceFailure", "SourceFailure", "SourceOutcomes"]

_UNAVAILABLE = "UNAVAILABLE"
_TIMED_OUT = "TIMED_OUT"


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """One failed source at one place in the response, reported once in `errors`."""

    source: RecordSource
    code: str
    path: tuple[str | int, ...]
    message: str


@dataclass(frozen=True, slots=True)
class ServiceFailure:
    """One of the gateway's own services (the health library) failed at one place in the response."""

    code: str
    path: tuple[str | int, ...]
    message: str


@dataclass
class SourceOutcomes:
    """What went wrong with which source for which patient in this request."""

    _states: dict[tuple[str, RecordSource], str] = field(default_factory=dict)
    failures: list[SourceFailure] = field(default_factory=list)
    service_failures: list[ServiceFailure] = field(default_factory=list)
    _seen: set[tuple[RecordSource, tuple[str | int, ...]]] = field(default_factory=set)
    in_flight: dict[str, int] = field(default_factory=dict)

    def failed(self, dod_id: str, error: SourceError, path: tuple[str | int, ...]) -> None:
        """Record a failure of `error.source` while serving `dod_id` at `path`."""
        state = _TIMED_OUT if isinstance(error, SourceTimeout) else _UNAVAILABLE
        key = (dod_id, error.source)
        if self._states.get(key) != _TIMED_OUT:
            self._states[key] = state
        if (error.source, path) not in self._seen:
            self._seen.add((error.source, path))
            what = "did not answer in time" if state == _TIMED_OUT else "could not be reached"
            self.failures.append(
                SourceFailure(
                    error.source,
                    error.code,
                    path,
                    f"{error.source} {what}; its records are missing from this part.",
                )
            )

    def service_failed(self, code: str, path: tuple[str | int, ...], message: str) -> None:
        """Record that a service of the gateway's own left a part of the answer out."""
        self.service_failures.append(ServiceFailure(code, path, message))

    def failed_sources(self, dod_id: str) -> tuple[RecordSource, ...]:
        """The sources that failed while serving `dod_id` in this request."""
        return tuple(sorted(source for (dod, source) in self._states if dod == dod_id))

    def state(self, dod_id: str, source: RecordSource) -> str | None:
        """UNAVAILABLE / TIMED_OUT if the source failed for this patient, else None."""
        return self._states.get((dod_id, source))
