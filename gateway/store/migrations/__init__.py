"""SQL migrations of the gateway's own database (audit, idempotency keys, health library)."""
