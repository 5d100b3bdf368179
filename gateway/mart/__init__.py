"""The de-identified analytics mart: the export job that fills it, and the reader cohorts use.

Not request-path code but the reader: `job` (resumable export: link, de-identify, stage), `build`
(the next snapshot), `layout` (folders Trino and Spark can read), `reader` (DuckDB, `CohortMart`),
`schedule` (the job inside a gateway process), `cli` (`mhs-gateway mart ...`).
"""

from .job import ExportJob, JobReport
from .layout import ExportBusy, MartLayout
from .reader import MartReader, MartReadError
from .schedule import MartRefresher
from .wiring import export_job

__all__ = [
           "ExportBusy",
           "ExportJob",
           "JobReport",
           "MartLayout",
           "MartReadError",
           "MartReader",
           "MartRefresher",
           "export_job",
]
