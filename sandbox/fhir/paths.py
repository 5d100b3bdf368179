"""Element values at dotted paths of a resource, with lists flattened along the way."""

from __future__ import annotations

from typing import Any

__all__ = ["reference_key", "values_at"]


def values_at(resource: dict[str, Any], path: str) -> list[Any]:
    """Every value at `path` (e.g. `participant.actor`): lists at any step are flattened."""
    if "." not in path:  # most search paths are one step
        if not isinstance(resource, dict) or path not in resource:
            return []
        value = resource[path]
        return list(value) if isinstance(value, list) else [value]
    current: list[Any] = [resource]
    for step in path.split("."):
        found: list[Any] = []
        for node in current:
            if not isinstance(node, dict) or step not in node:
                continue
            value = node[step]
            found.extend(value if isinstance(value, list) else [value])
        current = found
    return current


def reference_key(value: Any) -> tuple[str, str] | None:
    """A Reference (or canonical / literal string) as (type, id); None when not resolvable.

    Accepts `Type/id`, absolute URLs ending in `Type/id`, and `Type/id/_history/n`.
    """
    text = value.get("reference") if isinstance(value, dict) else value
    if not isinstance(text, str) or "/" not in text:
        return None
    parts = text.split("|", 1)[0].rstrip("/").split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or not parts[-2] or not parts[-1]:
        return None
    return parts[-2], parts[-1]
