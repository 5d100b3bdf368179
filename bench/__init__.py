"""Benchmarks of the read model against the demo stack: upstream round trips and latency."""
