"""How one upstream call is bounded (the request deadline) and observed (metrics)."""
