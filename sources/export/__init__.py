"""The export port: a source's whole population, in resumable batches, for the analytics mart."""

from .port import ExportBatch, ExportedPatient, ExportLost, RecordExport, Removed

__all__ = ["ExportBatch", "ExportLost", "ExportedPatient", "RecordExport", "Removed"]
