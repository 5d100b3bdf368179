"""Typed readers for environment variables that name the variable (never a secret) on failure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

__all__ = ["PREFIX", "Env"]

PREFIX = "MHS_GATEWAY_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class Env:
    """Reads `MHS_GATEWAY_<NAME>` (or a scoped `MHS_GATEWAY_<SOURCE>_<NAME>`) from one mapping; blank
    values count as unset. It is the `sources.spec.EnvReader` each source reads its own settings with."""

    def __init__(self, environ: Mapping[str, str], prefix: str = PREFIX) -> None:
        self._environ = environ
        self._prefix = prefix

    def scoped(self, name: str) -> Env:
        """A reader of `MHS_GATEWAY_<NAME>_*` only (one source's own variables)."""
        return Env(self._environ, f"{self._prefix}{name}_")

    def name(self, key: str) -> str:
        """The full variable name for `key`."""
        return key if key.isupper() and key.startswith(PREFIX) else self._prefix + key

    def raw(self, key: str, *fallbacks: str) -> str | None:
        """The stripped value of `key` (or the first set fallback variable), None when unset."""
        found = self._lookup(key, *fallbacks)
        return None if found is None else found[1]

    def _lookup(self, key: str, *fallbacks: str) -> tuple[str, str] | None:
        for var in (self.name(key), *fallbacks):
            value = self._environ.get(var, "").strip()
            if value:
                return var, value
        return None

    def text_or_empty(self, key: str, default: str) -> str:
        """Like `text`, but a variable set to the empty string means the empty string."""
        var = self.name(key)
        return self._environ[var].strip() if var in self._environ else default

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.raw(key)
        return default if value is None else value

    def required(self, key: str, why: str = "is required") -> str:
        value = self.raw(key)
        if value is None:
            raise ConfigError(self.name(key), why)
        return value

    def integer(self, key: str, default: int, *, minimum: int = 0) -> int:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(self.name(key), f"must be an integer, got {value!r}") from None
        if number < minimum:
            raise ConfigError(self.name(key), f"must be at least {minimum}, got {number}")
        return number

    def number(
        self,
        key: str,
        default: float,
        *,
        low: float = 0.0,
        high: float | None = None,
        low_inclusive: bool = False,
    ) -> float:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(self.name(key), f"must be a number, got {value!r}") from None
        too_low = number < low if low_inclusive else number <= low
        if too_low or (high is not None and number > high) or number != number:
            opening = "[" if low_inclusive else "("
            bounds = f"{opening}{low}, {high if high is not None else 'inf'}]"
            raise ConfigError(self.name(key), f"must be in {bounds}, got {value!r}")
        return number

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(self.name(key), f"must be on/off (true/false, 1/0), got {value!r}")

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = (self.raw(key) or default).lower()
        if value not in options:
            raise ConfigError(self.name(key), f"must be one of {', '.join(options)}")
        return value

    def items(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        """A comma-separated list; an explicitly empty value gives an empty tuple."""
        var = self.name(key)
        if var not in self._environ:
            return default
        return tuple(part.strip() for part in self._environ[var].split(",") if part.strip())

    def identifiers(self, key: str, pattern: str) -> tuple[str, ...]:
        """A comma-separated list of ids, each matching `pattern` (a regular expression)."""
        found = self.items(key)
        for item in found:
            if re.fullmatch(pattern, item) is None:
                raise ConfigError(self.name(key), f"{item!r} is not a valid id")
        return found

    def url(self, key: str, *, required: bool = False) -> str | None:
        """An http(s) URL with a host; the value is echoed in errors (URLs are not secrets)."""
        value = self.raw(key)
        if value is None:
            if required:
                raise ConfigError(self.name(key), "is required")
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(self.name(key), f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    def dsn(self, key: str, *fallbacks: str, required: bool = False) -> str | None:
        """A PostgreSQL DSN; its value is never echoed (it may hold a password)."""
        found = self._lookup(key, *fallbacks)
        if found is None:
            if required:
                raise ConfigError(self.name(key), "is required")
            return None
        var, value = found
        if urlsplit(value).scheme not in ("postgres", "postgresql"):
            raise ConfigError(var, "must be a postgresql:// URL")
        return value

    def secret_pem(self, key: str) -> str | None:
        """PEM text, or a path to a file holding it; the value itself never appears in errors."""
        value = self.raw(key)
        if value is None:
            return None
        if value.startswith("-----BEGIN"):
            return value.replace("\\n", "\n")
        path = Path(value)
        try:
            text = path.read_text()
        except OSError:
            raise ConfigError(
                self.name(key), "is neither PEM text nor a readable file"
            ) from None
        if "-----BEGIN" not in text:
            raise ConfigError(self.name(key), "the file it names holds no PEM key")
        return text
