"""A fourth source for the registry proof: a VA facility's FHIR R4 records, read-only.

This folder is copied to `sources/va/` in a scratch copy of the checkout by
`tests/registry/test_fourth_source.py`; it is never imported from here.
"""

from .name import VA
from .spec import SPEC

__all__ = ["SPEC", "VA"]
