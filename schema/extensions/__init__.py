"""Schema extensions, one per file: source failure reporting and error masking."""

from .mask_errors import MaskUnexpectedErrors
from .source_errors import ReportSourceFailures

__all__ = ["MaskUnexpectedErrors", "ReportSourceFailures"]
