"""Tests of the demo command, the embedded PostgreSQL and the demo stack."""
