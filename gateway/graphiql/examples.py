"""GraphiQL's example tabs: operations from `operations/` (the portal's own), dates filled in by the
page (`{{today}}`, `{{today+N}}` in the variables)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.operations import load_operations

__all__ = ["TABS", "Example", "examples"]

# In this order; the first is open when the page loads.
TABS = ("Me", "PortalHome", "WholeRecord", "Appointments", "Prescriptions", "MessageThreads",
        "DentalQuestionnaire", "HealthTopics", "ClinicianChart", "HighA1c")


@dataclass(frozen=True, slots=True)
class Example:
    """One GraphiQL tab."""

    title: str
    query: str
    variables: str = ""
    persona: str = "P1"  # whose token the tab is for (the page does not pick it: paste it in Headers)


def examples(directory: Path | None = None) -> tuple[Example, ...]:
    """The tabs, from the operation files (none when the directory is not there)."""
    if directory is not None and not directory.is_dir():
        return ()
    by_name = {operation.name: operation for operation in load_operations(directory)}
    return tuple(Example(name, by_name[name].text, by_name[name].variables, by_name[name].personas[0])
                 for name in TABS if name in by_name)
