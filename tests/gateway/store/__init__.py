"""Tests of the gateway's own database (sources/store)."""
