"""What each gateway worker counted, read from the multiprocess metrics files (which only a test on
the same machine can see): proof that requests were spread over the workers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict

__all__ = ["requests_by_worker"]


def requests_by_worker(metrics_dir: Path) -> Counter[int]:
    """`gateway_requests_total` summed per worker pid, from each worker's own counter file."""
    counts: Counter[int] = Counter()
    for file in metrics_dir.glob("counter_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(file)):
            if json.loads(key)[1] == "gateway_requests_total":
                counts[pid] += int(value)
    return counts
