"""Writes to MHS GENESIS: the write client handle, one module per kind of action, and the port."""

from .base import REQUEST_SYSTEM, GenesisWriter
from .port import GenesisWrites

__all__ = ["REQUEST_SYSTEM", "GenesisWriter", "GenesisWrites"]
