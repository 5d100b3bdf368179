"""Schema extensions, one per file: de-identification and source failure reporting."""

from .deidentify import DeIdentify
from .source_errors import ReportSourceFailures

__all__ = ["DeIdentify", "ReportSourceFailures"]
