"""The gateway's Prometheus metrics (prometheus-client): one set across worker processes when
`PROMETHEUS_MULTIPROC_DIR` is set (as `mhs-gateway serve` does), with process metrics per worker."""

from .exposition import CONTENT_TYPE, render
from .gateway import GatewayMetrics, OperationLabels
from .multiproc import multiprocess_dir, prepare_multiprocess_dir, worker_exited

__all__ = [
    "CONTENT_TYPE",
    "GatewayMetrics",
    "OperationLabels",
    "multiprocess_dir",
    "prepare_multiprocess_dir",
    "render",
    "worker_exited",
]
