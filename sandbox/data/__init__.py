"""Synthetic demo data: FHIR resources for the GENESIS and community sandboxes, TOL archive rows.

`generate()` is deterministic for a seed and a day; `load_tol()` loads the archive rows.
"""

from . import codes
from .generate import DEFAULT_SEED, generate
from .loader import TOL_MIGRATIONS, TOL_SCHEMA_TABLE, load_tol
from .model import DemoData, Persona, TolData, TolTable
from .personas import DOD_IDS

__all__ = [
    "DEFAULT_SEED",
    "DOD_IDS",
    "TOL_MIGRATIONS",
    "TOL_SCHEMA_TABLE",
    "DemoData",
    "Persona",
    "TolData",
    "TolTable",
    "codes",
    "generate",
    "load_tol",
]
