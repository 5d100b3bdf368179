"""Schema extensions, one per file: source failure reporting and error masking."""

from .deidentify import DeIdentify
from .mask_errors import MaskUnexpectedErrors
from .source_errors import ReportSourceFailures

__all__ = ["DeIdentify", "MaskUnexpectedErrors", "ReportSourceFailures"]
