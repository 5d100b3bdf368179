"""Strawberry types wrapping the record model, one module per area."""
