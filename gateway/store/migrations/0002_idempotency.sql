-- Idempotency keys of mutations: a retry with the same key returns the first result.
CREATE SCHEMA IF NOT EXISTS gateway;

CREATE TABLE IF NOT EXISTS gateway.idempotency_keys (
    principal  text NOT NULL,
    key        text NOT NULL,
    operation  text NOT NULL,
    input_hash text NOT NULL,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    result     jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key),
    CHECK (status = 'pending' OR result IS NOT NULL)
);

CREATE INDEX IF NOT EXISTS idempotency_keys_created_idx ON gateway.idempotency_keys (created_at);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mhs_gateway_app') THEN
        GRANT USAGE ON SCHEMA gateway TO mhs_gateway_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON gateway.idempotency_keys TO mhs_gateway_app;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        NULL;
END;
$$;
