"""Writes to MHS GENESIS: the write client handle and one module per kind of action."""

from .base import REQUEST_SYSTEM, GenesisWriter
from .errors import SlotUnavailable, WriteRefused

__all__ = ["REQUEST_SYSTEM", "GenesisWriter", "SlotUnavailable", "WriteRefused"]
