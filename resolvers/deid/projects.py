"""Analyst projects: the deployment's list of them, and how each one is shown dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .keys import is_project_name

__all__ = ["DateMode", "Projects"]


class DateMode(StrEnum):
    """How a project's analysts see a patient's dates."""

    YEAR = "year"  # Safe Harbor: every date and time reduced to its year (the default)
    SHIFT = "shift"  # moved by one keyed offset per patient and project: intervals kept


@dataclass(frozen=True)
class Projects:
    """The configured projects (None: any well-formed project signs in, with years only)."""

    modes: Mapping[str, DateMode] | None = None

    @classmethod
    def parse(cls, items: Iterable[str]) -> Projects:
        """`name` or `name:shift` items (ValueError naming the bad one); none: no list."""
        modes: dict[str, DateMode] = {}
        for item in items:
            name, _, mode = item.partition(":")
            if not is_project_name(name):
                raise ValueError(f"{item!r} is not a project name (a-z, 0-9, '-')")
            try:
                modes[name] = DateMode(mode or DateMode.YEAR)
            except ValueError:
                raise ValueError(f"{item!r}: a project's dates are 'year' or 'shift'") from None
        return cls(modes or None)

    @property
    def names(self) -> frozenset[str] | None:
        return None if self.modes is None else frozenset(self.modes)

    def dates(self, project: str) -> DateMode:
        """How `project` sees dates: years unless it is configured to shift them."""
        return DateMode.YEAR if self.modes is None else self.modes.get(project, DateMode.YEAR)
